package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.EventFd;
import dev.sysmem.sim.ivshmem.Libc;
import dev.sysmem.sim.virtio.RamDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.sysmem.sim.vhost.FrontEnd.state;
import static dev.sysmem.sim.vhost.FrontEnd.u64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every malformed front-end message closes the connection with a reason naming what was wrong,
 * and the back-end thread ends normally; a well-formed one is answered and the connection stays.
 * Over a socketpair, without QEMU.
 */
class VhostUserValidationTest {

    @TempDir
    static Path dir;

    /** What the front-end does to the back-end, given a fresh connection. */
    @FunctionalInterface
    interface Abuse {
        void apply(FrontEnd f) throws IOException;
    }

    private static Arguments abuse(String expected, Abuse abuse) {
        return Arguments.of(expected, abuse);
    }

    /** A guest-memory file of {@code size} bytes, opened read-write: its descriptor. */
    private static int memoryFd(long size) throws IOException {
        Path file = Files.createTempFile(dir, "guest", ".mem");
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(new byte[] {0}), size - 1);
        }
        return Libc.open(file);
    }

    private static byte[] memTable(long... regionFields) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * regionFields.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(regionFields.length / 4).putInt(0);
        for (long v : regionFields) {
            b.putLong(v);
        }
        return b.array();
    }

    static Stream<Arguments> malformed() {
        int get = VhostUserRequest.GET_FEATURES.id;
        return Stream.of(
                abuse("carry version 2", f -> f.sendRaw(get, 2, 0, new byte[0])),
                abuse("have the REPLY bit", f -> f.sendRaw(get, 0x5, 0, new byte[0])),
                abuse("set reserved bits 0x10", f -> f.sendRaw(get, 0x11, 0, new byte[0])),
                abuse("payload size 5000 exceeds", f -> f.sendRaw(get, 1, 5000, new byte[0])),
                abuse("unknown or unsupported request 99", f -> f.sendRaw(99, 1, 0, new byte[0])),
                abuse("SET_FEATURES: payload of 4 bytes, expected 8", f -> f.send(VhostUserRequest.SET_FEATURES, new byte[4])),
                abuse("GET_FEATURES: 1 file descriptor(s), expected 0", f -> {
                    try (EventFd e = EventFd.create()) {
                        f.send(VhostUserRequest.GET_FEATURES, new byte[0], e.acquire());
                        e.release();
                    }
                }),
                abuse("more than 8 file descriptors", f -> {
                    int[] fds = new int[9];
                    for (int i = 0; i < fds.length; i++) {
                        fds[i] = memoryFd(4096);
                    }
                    try {
                        f.send(VhostUserRequest.SET_MEM_TABLE, memTable(0, 4096, 0, 0), fds);
                    } finally {
                        for (int d : fds) {
                            Libc.closeQuietly(d);
                        }
                    }
                }),
                abuse("SET_FEATURES: acks 0x10000000, bits never offered",
                        f -> f.send(VhostUserRequest.SET_FEATURES, u64(1L << 28))),
                abuse("SET_PROTOCOL_FEATURES: acks protocol features 0x8000 never offered",
                        f -> f.send(VhostUserRequest.SET_PROTOCOL_FEATURES, u64(1L << 15))),
                abuse("SET_VRING_NUM: queue index 1 is out of range", f -> f.send(VhostUserRequest.SET_VRING_NUM, state(1, 128))),
                abuse("is not a power of two", f -> f.send(VhostUserRequest.SET_VRING_NUM, state(0, 100))),
                abuse("base 65536 does not fit", f -> f.send(VhostUserRequest.SET_VRING_BASE, state(0, 65536))),
                abuse("0 file descriptor(s) with the no-fd bit clear, expected 1",
                        f -> f.send(VhostUserRequest.SET_VRING_CALL, u64(0))),
                abuse("sets bits other than the queue index", f -> f.send(VhostUserRequest.SET_VRING_ERR, u64(0x200 | 0x100))),
                abuse("asks for a polling back-end", f -> f.send(VhostUserRequest.SET_VRING_KICK, u64(0x100))),
                abuse("SET_VRING_ADDR: payload of 32 bytes, expected 40", f -> f.send(VhostUserRequest.SET_VRING_ADDR, new byte[32])),
                abuse("ask for dirty-page logging", f -> {
                    byte[] addr = new byte[40];
                    addr[4] = 1;
                    f.send(VhostUserRequest.SET_VRING_ADDR, addr);
                }),
                abuse("SET_VRING_ENABLE without VHOST_USER_F_PROTOCOL_FEATURES",
                        f -> f.send(VhostUserRequest.SET_VRING_ENABLE, state(0, 1))),
                abuse("GET_CONFIG before VHOST_USER_PROTOCOL_F_CONFIG", f -> f.send(VhostUserRequest.GET_CONFIG, new byte[12 + 8])),
                abuse("SET_MEM_TABLE: 9 regions, expected 1 to 8", f -> f.send(VhostUserRequest.SET_MEM_TABLE,
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(9).array())),
                abuse("SET_MEM_TABLE: payload of 40 bytes for 2 regions, expected 72",
                        f -> f.send(VhostUserRequest.SET_MEM_TABLE, ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN)
                                .putInt(2).array())),
                abuse("SET_MEM_TABLE: 0 file descriptor(s) for 1 regions",
                        f -> f.send(VhostUserRequest.SET_MEM_TABLE, memTable(0, 4096, 0x10000, 0))),
                abuse("lies past the end of its file (8192 bytes)", f -> {
                    int fd = memoryFd(8192);
                    f.send(VhostUserRequest.SET_MEM_TABLE, memTable(0, 8192, 0x10000, 4096), fd);
                    Libc.close(fd);
                }),
                abuse("must be multiples of 4096", f -> {
                    int fd = memoryFd(8192);
                    f.send(VhostUserRequest.SET_MEM_TABLE, memTable(0x800, 4096, 0x10000, 0), fd);
                    Libc.close(fd);
                }),
                abuse("overlaps", f -> {
                    int a = memoryFd(8192);
                    int b = memoryFd(8192);
                    f.send(VhostUserRequest.SET_MEM_TABLE, memTable(0, 8192, 0x10000, 0, 4096, 8192, 0x20000, 0), a, b);
                    Libc.close(a);
                    Libc.close(b);
                }),
                abuse("closed inside a message (16 of 20 bytes received)", f -> {
                    f.sendRaw(VhostUserRequest.SET_FEATURES.id, 1, 8, new byte[4]);
                    f.close();
                }),
                abuse("a message stalled: 16 of 20 bytes arrived within 300 ms",
                        f -> f.sendRaw(VhostUserRequest.SET_FEATURES.id, 1, 8, new byte[4])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void a_malformed_message_closes_the_connection_with_its_reason(String expected, Abuse abuse) throws Exception {
        RamDisk disk = RamDisk.create(2048, "validation", false);
        try (ConnectedBackend b = new ConnectedBackend(disk)) {
            // Protocol features first, as QEMU does, so that feature-gated requests reach their own checks.
            b.frontEnd.send(VhostUserRequest.GET_PROTOCOL_FEATURES, new byte[0]);
            assertThat(b.frontEnd.reply().u64()).isEqualTo(b.backend.offeredProtocolFeatures());
            if (!expected.startsWith("GET_CONFIG") && !expected.startsWith("SET_VRING_ENABLE")) {
                b.frontEnd.send(VhostUserRequest.SET_PROTOCOL_FEATURES, u64(b.backend.offeredProtocolFeatures()));
            }
            abuse.apply(b.frontEnd);
            assertThat(b.reason()).startsWith("protocol violation: ").contains(expected);
        }
    }

    @Test
    void a_well_formed_conversation_is_answered_and_the_connection_stays() throws Exception {
        RamDisk disk = RamDisk.create(2048, "validation", false);
        try (ConnectedBackend b = new ConnectedBackend(disk)) {
            FrontEnd f = b.frontEnd;
            f.send(VhostUserRequest.GET_FEATURES, new byte[0]);
            FrontEnd.Reply features = f.reply();
            assertThat(features.request()).isEqualTo(VhostUserRequest.GET_FEATURES.id);
            assertThat(features.flags()).isEqualTo(0x5);
            assertThat(features.u64()).isEqualTo(b.backend.offeredFeatures())
                    .satisfies(bits -> assertThat(bits & (1L << 30)).isNotZero())
                    .satisfies(bits -> assertThat(bits & (1L << 32)).isNotZero());
            f.send(VhostUserRequest.GET_PROTOCOL_FEATURES, new byte[0]);
            long protocol = f.reply().u64();
            f.send(VhostUserRequest.SET_PROTOCOL_FEATURES, u64(protocol));
            f.send(VhostUserRequest.SET_OWNER, VhostUserMessage.FLAG_NEED_REPLY, new byte[0]);
            FrontEnd.Reply ack = f.reply();
            assertThat(ack.flags()).isEqualTo(0x5);
            assertThat(ack.u64()).isZero();
            f.send(VhostUserRequest.GET_QUEUE_NUM, new byte[0]);
            assertThat(f.reply().u64()).isEqualTo(1);
            byte[] config = ByteBuffer.allocate(12 + 57).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(57).array();
            f.send(VhostUserRequest.GET_CONFIG, config);
            FrontEnd.Reply reply = f.reply();
            assertThat(reply.payload().limit()).isEqualTo(12 + 57);
            assertThat(reply.payload().getLong(12)).as("capacity in sectors").isEqualTo(2048);
            assertThat(reply.payload().getInt(12 + 12)).as("seg_max").isEqualTo(VhostUserBlkBackend.SEG_MAX);
            assertThat(b.hasEnded()).isFalse();
        }
    }
}
