package dev.sysmem.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The other process of {@link SharedMemoryTest}: a device sharing a file with the test's JVM.
 *
 * <ul>
 *   <li>{@code write PATH SIZE}: opens the file, waits for {@link #GO}, echoes the test's value at
 *       {@link #FROM_TEST} inverted to {@link #ECHO}, writes {@link #VALUES} at every width in
 *       both byte orders, publishes {@link #DONE} with a release store, and waits for {@link #ACK}
 *       before it exits.</li>
 *   <li>{@code truncate PATH LENGTH}: truncates the file, as a misbehaving peer would.</li>
 * </ul>
 * Every wait has a deadline; on any failure the process exits non-zero with the reason printed.
 */
final class SharedMemoryPeer {

    static final long GO = 0x0;
    static final long DONE = 0x4;
    static final long ACK = 0x8;
    static final long FROM_TEST = 0x10;
    static final long ECHO = 0x18;
    /** Little-endian values at 0x20 (u8), 0x22 (u16), 0x24 (u32), 0x28 (u64); big-endian ones 0x20 bytes further. */
    static final long[] VALUES = {0xa5, 0xbeef, 0xdead_beefL, 0xfedc_ba98_7654_3210L};
    static final long LITTLE = 0x20;
    static final long BIG = 0x40;

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private SharedMemoryPeer() {
    }

    static long offsetOf(Width width) {
        return switch (width) {
            case U8 -> 0x0;
            case U16 -> 0x2;
            case U32 -> 0x4;
            case U64 -> 0x8;
        };
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(path, Long.parseLong(args[2]));
            case "truncate" -> {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    channel.truncate(Long.parseLong(args[2]));
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
        System.out.println("peer done");
    }

    private static void write(Path path, long size) throws IOException, InterruptedException {
        try (SharedMemory shm = SharedMemory.open(path, size)) {
            SysMem io = shm.io("peer");
            SysMem sync = io.withMode(AccessMode.ACQUIRE_RELEASE);
            Poll.readPollTimeout(() -> sync.read32(GO), go -> go == 1, Duration.ofMillis(1), DEADLINE);
            io.write64(ECHO, ~io.read64(FROM_TEST));
            SysMem big = io.withOrder(ByteOrder.BIG_ENDIAN);
            for (Width width : Width.values()) {
                io.write(width, LITTLE + offsetOf(width), SharedMemoryPeer.VALUES[width.ordinal()]);
                big.write(width, BIG + offsetOf(width), SharedMemoryPeer.VALUES[width.ordinal()]);
            }
            sync.write32(DONE, 1);
            Poll.readPollTimeout(() -> sync.read32(ACK), ack -> ack == 1, Duration.ofMillis(1), DEADLINE);
        }
    }
}
