package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * The front-end's end of a vhost-user connection, for tests: it sends requests, well formed or
 * not, with descriptors attached, and reads replies with a deadline. Raw bytes, so that a test can
 * send exactly the malformed message it means.
 */
final class FrontEnd implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final int fd;

    FrontEnd(int fd) {
        this.fd = fd;
    }

    /** Sends {@code header} fields and {@code payload} as one message with {@code fds} attached. */
    void sendRaw(int request, int flags, int size, byte[] payload, int... fds) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(request).putInt(flags).putInt(size).put(payload);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(b.capacity());
            MemorySegment.copy(b.array(), 0, out, ValueLayout.JAVA_BYTE, 0, b.capacity());
            Libc.send(fd, out, fds);
        }
    }

    /** A well-formed request: version 1, {@code flags} extra, size = payload length. */
    void send(VhostUserRequest request, int extraFlags, byte[] payload, int... fds) throws IOException {
        sendRaw(request.id, VhostUserMessage.VERSION | extraFlags, payload.length, payload, fds);
    }

    void send(VhostUserRequest request, byte[] payload, int... fds) throws IOException {
        send(request, 0, payload, fds);
    }

    static byte[] u64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    static byte[] state(int index, int num) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(index).putInt(num).array();
    }

    /** The reply's header and payload, read within {@link #DEADLINE}. */
    record Reply(int request, int flags, ByteBuffer payload) {
        long u64() {
            return payload.getLong(0);
        }
    }

    Reply reply() throws IOException {
        byte[] header = readExactly(12);
        if (header == null) {
            throw new IOException("the back-end closed the connection instead of replying");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int size = h.getInt(8);
        byte[] payload = size == 0 ? new byte[0] : readExactly(size);
        return new Reply(h.getInt(0), h.getInt(4), ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Whether the back-end closed the connection (end of stream) within the deadline; bytes before it are skipped. */
    boolean closedByPeer() throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            while (System.nanoTime() - deadline < 0) {
                Libc.Received r = Libc.receive(fd, buffer, 8);
                for (int d : r.fds()) {
                    Libc.closeQuietly(d);
                }
                if (r.bytes() == 0) {
                    return true;
                }
                if (r.bytes() < 0) {
                    Libc.poll(new int[] {fd}, 50);
                }
            }
        }
        return false;
    }

    private byte[] readExactly(int n) throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(n);
            int done = 0;
            while (done < n) {
                Libc.Received r = Libc.receive(fd, buffer.asSlice(done), 8);
                for (int d : r.fds()) {
                    Libc.closeQuietly(d);
                }
                if (r.bytes() == 0) {
                    return done == 0 ? null : failShort(done, n);
                }
                if (r.bytes() > 0) {
                    done += (int) r.bytes();
                    continue;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("no reply within " + DEADLINE + " (" + done + " of " + n + " bytes)");
                }
                Libc.poll(new int[] {fd}, 50);
            }
            return buffer.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static byte[] failShort(int done, int n) throws IOException {
        throw new IOException("the stream ended after " + done + " of " + n + " reply bytes");
    }

    @Override
    public void close() {
        Libc.closeQuietly(fd);
    }
}
