package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reads front-end messages from, and writes replies to, one connected vhost-user socket, checking
 * the framing before anything else looks at a message.
 *
 * <p><b>Guarantees.</b> A message is returned only whole: header, all {@code size} payload bytes
 * and every descriptor that came with it. It is refused with a {@link ProtocolViolation} — and its
 * descriptors closed — if its version is not 1, it has the REPLY bit or a reserved flag bit set,
 * its payload is larger than {@link #MAX_PAYLOAD}, it carries more than {@link #MAX_FDS}
 * descriptors, the stream ends inside it, or its bytes do not arrive within the deadline once the
 * header has begun (a front-end that stalls mid-message cannot hang the back-end). Nothing here
 * blocks without a deadline. Used by one thread.
 */
final class VhostUserChannel {

    /** The largest payload accepted: more than any request this back-end knows needs (a full memory table is 264). */
    static final int MAX_PAYLOAD = 4096;
    /** Descriptors accepted with one message: a memory table of {@link GuestMemoryTable#MAX_REGIONS}. */
    static final int MAX_FDS = GuestMemoryTable.MAX_REGIONS;
    private static final int KNOWN_FLAGS = VhostUserMessage.VERSION_MASK | VhostUserMessage.FLAG_REPLY
            | VhostUserMessage.FLAG_NEED_REPLY;

    private final int fd;
    private final Duration messageDeadline;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment buffer = arena.allocate(VhostUserMessage.HEADER_SIZE + MAX_PAYLOAD, 8);

    VhostUserChannel(int fd, Duration messageDeadline) {
        this.fd = fd;
        this.messageDeadline = messageDeadline;
    }

    int fd() {
        return fd;
    }

    /**
     * The next message, or null if the front-end closed the connection between messages.
     *
     * @throws ProtocolViolation if the message is malformed (see the class comment)
     * @throws IOException       if a call on the socket fails
     */
    VhostUserMessage read() throws IOException, ProtocolViolation {
        long deadline = System.nanoTime() + messageDeadline.toNanos();
        int[][] fds = {new int[0]};
        try {
            long got = fill(0, VhostUserMessage.HEADER_SIZE, deadline, fds, true);
            if (got == 0) {
                return null;
            }
            ByteBuffer header = buffer.asSlice(0, VhostUserMessage.HEADER_SIZE).asByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN);
            int request = header.getInt(0);
            int flags = header.getInt(4);
            int size = header.getInt(8);
            String name = VhostUserRequest.describe(request);
            if ((flags & VhostUserMessage.VERSION_MASK) != VhostUserMessage.VERSION) {
                throw new ProtocolViolation(name + ": flags 0x" + Integer.toHexString(flags) + " carry version "
                        + (flags & VhostUserMessage.VERSION_MASK) + ", not " + VhostUserMessage.VERSION);
            }
            if ((flags & VhostUserMessage.FLAG_REPLY) != 0) {
                throw new ProtocolViolation(name + ": flags 0x" + Integer.toHexString(flags)
                        + " have the REPLY bit, but the front-end sends requests");
            }
            if ((flags & ~KNOWN_FLAGS) != 0) {
                throw new ProtocolViolation(name + ": flags 0x" + Integer.toHexString(flags) + " set reserved bits 0x"
                        + Integer.toHexString(flags & ~KNOWN_FLAGS));
            }
            if (size < 0 || size > MAX_PAYLOAD) {
                throw new ProtocolViolation(name + ": payload size " + Integer.toUnsignedString(size)
                        + " exceeds the " + MAX_PAYLOAD + " bytes this back-end accepts");
            }
            if (size > 0) {
                fill(VhostUserMessage.HEADER_SIZE, size, deadline, fds, false);
            }
            byte[] payload = buffer.asSlice(VhostUserMessage.HEADER_SIZE, size).toArray(ValueLayout.JAVA_BYTE);
            VhostUserMessage message = new VhostUserMessage(request, flags, payload, fds[0]);
            fds[0] = null;
            return message;
        } finally {
            if (fds[0] != null) {
                for (int d : fds[0]) {
                    Libc.closeQuietly(d);
                }
            }
        }
    }

    /**
     * Reads exactly {@code length} bytes into the buffer at {@code offset}, collecting descriptors.
     * Returns 0 only when {@code atStart} and the stream ended before the first byte.
     */
    private long fill(long offset, long length, long deadline, int[][] fds, boolean atStart)
            throws IOException, ProtocolViolation {
        long done = 0;
        while (done < length) {
            Libc.Received r = Libc.receive(fd, buffer.asSlice(offset + done, length - done), MAX_FDS);
            if (r.fds().length > 0) {
                int[] all = Arrays.copyOf(fds[0], fds[0].length + r.fds().length);
                System.arraycopy(r.fds(), 0, all, fds[0].length, r.fds().length);
                fds[0] = all;
            }
            if (r.descriptorsTruncated() || fds[0].length > MAX_FDS) {
                throw new ProtocolViolation("a message carried more than " + MAX_FDS + " file descriptors");
            }
            if (r.bytes() == 0) {
                if (atStart && done == 0) {
                    return 0;
                }
                throw new ProtocolViolation("the connection closed inside a message (" + (offset + done) + " of "
                        + (offset + length) + " bytes received)");
            }
            if (r.bytes() > 0) {
                done += r.bytes();
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ProtocolViolation("a message stalled: " + (offset + done) + " of " + (offset + length)
                        + " bytes arrived within " + messageDeadline.toMillis() + " ms");
            }
            short revents = Libc.poll(new int[] {fd}, (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000))[0];
            if ((revents & (Libc.POLLERR | Libc.POLLNVAL)) != 0) {
                throw new IOException("poll reported an error on the vhost-user socket " + fd);
            }
        }
        return done;
    }

    /** Sends {@code reply} (without descriptors). */
    void write(VhostUserMessage reply) throws IOException {
        byte[] bytes = reply.encode();
        MemorySegment out = buffer.asSlice(0, bytes.length);
        MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 0, bytes.length);
        Libc.send(fd, out, new int[0]);
    }
}
