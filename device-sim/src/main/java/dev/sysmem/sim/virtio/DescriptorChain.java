package dev.sysmem.sim.virtio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One descriptor chain as the device sees it while it serves the request: the head index, then the
 * device-readable buffers followed by the device-writable ones, each checked to lie inside guest
 * memory.
 *
 * <p>The readable buffers form one byte stream and the writable buffers another, as the spec's
 * "Message Framing" section requires: a device "MUST NOT make assumptions about the particular
 * arrangement of descriptors", so a 16-byte header may come in one descriptor or be split over
 * several. {@link #gather} and {@link #scatter} work on those streams.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Every buffer lies inside guest memory; the device checked each descriptor before the
 *       handler sees the chain.</li>
 *   <li>Nothing here writes to a device-readable buffer ("A device MUST NOT write to a
 *       device-readable buffer"): {@link #readable(int)} returns a read-only segment and
 *       {@link #scatter}/{@link #putByte} touch only writable buffers. Nothing here reads a
 *       writable buffer.</li>
 *   <li>The object is reused for the next chain: it is valid only during the
 *       {@link ChainHandler#handle} call it is passed to, on the device's thread.</li>
 * </ul>
 *
 * <pre>{@code
 * long handle(DescriptorChain chain) {
 *     MemorySegment header = scratch.asSlice(0, 16);
 *     chain.gather(0, header);                 // first 16 readable bytes, however they are split
 *     chain.putByte(chain.writableBytes() - 1, (byte) 0);
 *     return 1;                                // bytes written: used.len
 * }
 * }</pre>
 */
public final class DescriptorChain {

    private final MemorySegment memory;
    private final long[] address;
    private final long[] length;
    private int head;
    private int count;
    private int readable;
    private long readableBytes;
    private long writableBytes;

    DescriptorChain(MemorySegment memory, int capacity) {
        this.memory = memory;
        this.address = new long[capacity];
        this.length = new long[capacity];
    }

    void reset(int newHead) {
        head = newHead;
        count = 0;
        readable = 0;
        readableBytes = 0;
        writableBytes = 0;
    }

    /** Makes this the chain of one buffer the caller has checked, at {@code newHead}. */
    void one(int newHead, long addr, long len, boolean writable) {
        head = newHead;
        count = 1;
        address[0] = addr;
        length[0] = len;
        readable = writable ? 0 : 1;
        readableBytes = writable ? 0 : len;
        writableBytes = writable ? len : 0;
    }

    /** Appends a buffer the caller has checked; readable buffers must all come first. */
    void add(long addr, long len, boolean writable) {
        address[count] = addr;
        length[count] = len;
        count++;
        if (writable) {
            writableBytes += len;
        } else {
            readable++;
            readableBytes += len;
        }
    }

    /** Index of the chain's first descriptor: the {@code id} its used entry will carry. */
    public int head() {
        return head;
    }

    /** Number of descriptors in the chain. */
    public int descriptorCount() {
        return count;
    }

    /** Number of device-readable buffers (they come first). */
    public int readableCount() {
        return readable;
    }

    /** Number of device-writable buffers (they come after the readable ones). */
    public int writableCount() {
        return count - readable;
    }

    /** Total bytes of the device-readable buffers. */
    public long readableBytes() {
        return readableBytes;
    }

    /** Total bytes of the device-writable buffers: the most {@code used.len} can be. */
    public long writableBytes() {
        return writableBytes;
    }

    /** Guest-physical address of the chain's {@code i}-th buffer, in chain order. */
    public long address(int i) {
        return address[Objects.checkIndex(i, count)];
    }

    /** Length of the chain's {@code i}-th buffer, in chain order. */
    public long length(int i) {
        return length[Objects.checkIndex(i, count)];
    }

    /** Whether the chain's {@code i}-th buffer is device-writable. */
    public boolean isWritable(int i) {
        return Objects.checkIndex(i, count) >= readable;
    }

    /** The {@code i}-th device-readable buffer, read-only. */
    public MemorySegment readable(int i) {
        Objects.checkIndex(i, readable);
        return memory.asSlice(address[i], length[i]).asReadOnly();
    }

    /** The {@code i}-th device-writable buffer. */
    public MemorySegment writable(int i) {
        Objects.checkIndex(i, count - readable);
        return memory.asSlice(address[readable + i], length[readable + i]);
    }

    /**
     * Copies readable bytes from {@code position} of the readable stream into {@code destination},
     * as many as fit in it or remain in the stream.
     *
     * @return the number of bytes copied
     * @throws IndexOutOfBoundsException if {@code position} is negative
     */
    public long gather(long position, MemorySegment destination) {
        checkPosition(position);
        long want = destination.byteSize();
        long done = 0;
        long skip = position;
        for (int i = 0; i < readable && done < want; i++) {
            long len = length[i];
            if (skip >= len) {
                skip -= len;
                continue;
            }
            long n = Math.min(len - skip, want - done);
            MemorySegment.copy(memory, address[i] + skip, destination, done, n);
            done += n;
            skip = 0;
        }
        return done;
    }

    /**
     * Copies {@code source} into the writable stream from {@code position}, as much as fits.
     *
     * @return the number of bytes copied
     * @throws IndexOutOfBoundsException if {@code position} is negative
     */
    public long scatter(long position, MemorySegment source) {
        checkPosition(position);
        long want = source.byteSize();
        long done = 0;
        long skip = position;
        for (int i = readable; i < count && done < want; i++) {
            long len = length[i];
            if (skip >= len) {
                skip -= len;
                continue;
            }
            long n = Math.min(len - skip, want - done);
            MemorySegment.copy(source, done, memory, address[i] + skip, n);
            done += n;
            skip = 0;
        }
        return done;
    }

    /**
     * Writes one byte at {@code position} of the writable stream (a status byte, say).
     *
     * @throws IndexOutOfBoundsException if {@code position} is not in [0, {@link #writableBytes()})
     */
    public void putByte(long position, byte value) {
        if (position < 0 || position >= writableBytes) {
            throw new IndexOutOfBoundsException("byte " + position + " of the writable buffers of the chain at head "
                    + head + ", which hold " + writableBytes + " bytes");
        }
        long skip = position;
        for (int i = readable; i < count; i++) {
            if (skip < length[i]) {
                memory.set(ValueLayout.JAVA_BYTE, address[i] + skip, value);
                return;
            }
            skip -= length[i];
        }
        throw new AssertionError("writable bytes miscounted at head " + head);
    }

    private void checkPosition(long position) {
        if (position < 0) {
            throw new IndexOutOfBoundsException("negative position " + position + " in the chain at head " + head);
        }
    }

    @Override
    public String toString() {
        return "DescriptorChain[head=" + head + ", " + readable + " readable (" + readableBytes + " bytes), "
                + (count - readable) + " writable (" + writableBytes + " bytes)]";
    }
}
