package dev.sysmem.io;

import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Typed access to a region of device memory: the interface driver code reads and writes through,
 * the Java counterpart of the kernel's {@code kernel::io::Io}.
 *
 * <p>Offsets are byte offsets from the start of the region, as {@code long} (regions may exceed
 * 2 GiB). 8- and 16-bit values come back zero-extended in an {@code int}, 32-bit values as the
 * {@code int} with the same bits, 64-bit values as a {@code long}. A write accepts a value given
 * either signed or unsigned ({@code write8(o, -1)} and {@code write8(o, 0xff)} are the same) and
 * refuses anything wider than the access.
 *
 * <p><b>Guarantees</b>, for every implementation:
 * <ul>
 *   <li>An access is checked before it reaches memory. An offset outside the region (negative,
 *       past the end, or large enough to overflow), an absolute address not aligned to the width,
 *       a width the region does not support ({@link #supports}), a write to a read-only region or
 *       a value that does not fit the width throws, naming the region, offset, width and size;
 *       nothing is read or written then.</li>
 *   <li>{@link IndexOutOfBoundsException} for offsets, {@link IllegalArgumentException} for
 *       alignment, widths, values and read-only regions, {@link IllegalStateException} after the
 *       memory was closed, {@link MemoryFault} when the memory went away under a live mapping:
 *       the same exception types {@code java.lang.foreign} uses for the same faults.</li>
 *   <li>{@link #update32}/{@link #update64} are a read followed by a write, not atomic, exactly as
 *       the kernel's {@code update}: use them on registers only the driver writes. Atomic
 *       read-modify-write is a capability of its own, {@link AtomicIo}: device registers are read
 *       and written, never compared-and-set, so a register backend does not carry methods it
 *       would refuse.</li>
 * </ul>
 *
 * <p>Adding a backend means implementing {@link #read(Width, long)}, {@link #write(Width, long, long)},
 * {@link #name()}, {@link #size()} and {@link #widths()}; every width-named method has a default
 * on that single path. {@link SysMem} overrides them for speed.
 *
 * <pre>{@code
 * Io io = SysMem.of("nic-bar0", segment);       // OPAQUE, little-endian
 * int id = io.read32(0x00);
 * io.write32(0x10, 0x1);                        // ring the doorbell
 * io.update32(0x04, v -> v | 0x80);             // read-modify-write, not atomic
 * }</pre>
 */
public interface Io {

    /** The region's name, used in every error message about it. */
    String name();

    /** The region's size in bytes. */
    long size();

    /** The widths this region accepts, the counterpart of {@code IoCapable<T>}. */
    Set<Width> widths();

    /** Whether this region accepts accesses of {@code width}. */
    default boolean supports(Width width) {
        return widths().contains(width);
    }

    /**
     * Reads {@code width} bits at {@code offset}, zero-extended into a {@code long}.
     *
     * @throws IndexOutOfBoundsException if {@code [offset, offset + width.bytes())} is not inside the region
     * @throws IllegalArgumentException if the address is misaligned or the width not supported
     */
    long read(Width width, long offset);

    /**
     * Writes the low {@code width} bits of {@code value} at {@code offset}.
     *
     * @throws IllegalArgumentException if {@code value} is not a value of {@code width}
     *         ({@link Width#accepts}), the address is misaligned, the width not supported or the
     *         region read-only; nothing is written then
     * @throws IndexOutOfBoundsException if the access is not inside the region
     */
    void write(Width width, long offset, long value);

    /** Reads 8 bits, zero-extended. */
    default int read8(long offset) {
        return (int) read(Width.U8, offset);
    }

    /** Reads 16 bits, zero-extended. */
    default int read16(long offset) {
        return (int) read(Width.U16, offset);
    }

    /** Reads 32 bits. */
    default int read32(long offset) {
        return (int) read(Width.U32, offset);
    }

    /** Reads 64 bits. */
    default long read64(long offset) {
        return read(Width.U64, offset);
    }

    /** Writes 8 bits; {@code value} must lie in {@code [-128, 255]}. */
    default void write8(long offset, int value) {
        write(Width.U8, offset, value);
    }

    /** Writes 16 bits; {@code value} must lie in {@code [-32768, 65535]}. */
    default void write16(long offset, int value) {
        write(Width.U16, offset, value);
    }

    /** Writes 32 bits. */
    default void write32(long offset, int value) {
        write(Width.U32, offset, Integer.toUnsignedLong(value));
    }

    /** Writes 64 bits. */
    default void write64(long offset, long value) {
        write(Width.U64, offset, value);
    }

    /**
     * Reads 32 bits, applies {@code change} and writes the result back; returns what was written.
     * Not atomic: another writer between the read and the write is lost, as with the kernel's
     * {@code update}.
     */
    default int update32(long offset, IntUnaryOperator change) {
        int updated = change.applyAsInt(read32(offset));
        write32(offset, updated);
        return updated;
    }

    /** The 64-bit {@link #update32}: a read, then a write; not atomic. */
    default long update64(long offset, LongUnaryOperator change) {
        long updated = change.applyAsLong(read64(offset));
        write64(offset, updated);
        return updated;
    }
}
