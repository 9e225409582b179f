package dev.sysmem.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongBiFunction;

/**
 * The accessing side of {@link TruncationRaceTest}, run in a child JVM whose flags pick the
 * interpreter, C1 or C2: it maps the shared file at {@code PATH} (a file a peer truncates, or a
 * sealed memfd's {@code /proc/PID/fd/N} path) and runs each named operation on its last page in a
 * loop for {@code MILLIS} ms, and on until it has seen a fault or {@code MAX_MILLIS} ms have
 * passed, while the parent process truncates and re-extends the file. It prints
 * {@code STARTED <op>} before each operation's loop, {@code RESULT <op> <completed> <faults>}
 * after it ({@code faults} counts {@link MemoryFault}s, each a clean exception), and {@code ALIVE}
 * at the end. A JVM that dies of a fault stops printing: its exit code says so.
 *
 * <p>Usage: {@code TruncationRaceAccessor PATH SIZE MILLIS MAX_MILLIS OP[,OP...]}.
 */
final class TruncationRaceAccessor {

    /** The operations, by name; each touches 8 bytes below the end of the memory. */
    static final Map<String, ToLongBiFunction<SysMem, Long>> OPERATIONS = new LinkedHashMap<>();

    static {
        OPERATIONS.put("read32-opaque", (io, o) -> io.read32(o));
        OPERATIONS.put("read64-acquire", (io, o) -> io.withMode(AccessMode.ACQUIRE_RELEASE).read64(o));
        OPERATIONS.put("read8-plain", (io, o) -> io.withMode(AccessMode.PLAIN).read8(o));
        OPERATIONS.put("write32-release", (io, o) -> {
            io.withMode(AccessMode.ACQUIRE_RELEASE).write32(o, 1);
            return 0;
        });
        OPERATIONS.put("write64-volatile", (io, o) -> {
            io.withMode(AccessMode.VOLATILE).write64(o, 1);
            return 0;
        });
        OPERATIONS.put("write8-plain", (io, o) -> {
            io.withMode(AccessMode.PLAIN).write8(o, 1);
            return 0;
        });
        OPERATIONS.put("write16-volatile", (io, o) -> {
            io.withMode(AccessMode.VOLATILE).write16(o, 1);
            return 0;
        });
        OPERATIONS.put("write8-opaque", (io, o) -> {
            io.write8(o, 1);
            return 0;
        });
        OPERATIONS.put("write16-release", (io, o) -> {
            io.withMode(AccessMode.ACQUIRE_RELEASE).write16(o, 1);
            return 0;
        });
        OPERATIONS.put("cas32", (io, o) -> io.compareAndSet32(o, 0, 0) ? 1 : 0);
        OPERATIONS.put("cas64", (io, o) -> io.compareAndSet64(o, 0, 0) ? 1 : 0);
        OPERATIONS.put("add64", (io, o) -> io.getAndAdd64(o, 1));
        OPERATIONS.put("or32", (io, o) -> io.getAndBitwiseOr32(o, 1));
    }

    private TruncationRaceAccessor() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        long size = Long.parseLong(args[1]);
        long millis = Long.parseLong(args[2]);
        long maxMillis = Long.parseLong(args[3]);
        long offset = size - 8;
        long sink = 0;
        try (SharedMemory shm = SharedMemory.open(path, size)) {
            SysMem io = shm.io("raced");
            print("SEALED " + shm.isSealed());
            for (String name : args[4].split(",")) {
                ToLongBiFunction<SysMem, Long> op = OPERATIONS.get(name);
                print("STARTED " + name);
                long completed = 0;
                long faults = 0;
                long start = System.nanoTime();
                long end = start + millis * 1_000_000;
                long last = start + Math.max(millis, maxMillis) * 1_000_000;
                for (long now = start; now < end || (faults == 0 && now < last); now = System.nanoTime()) {
                    for (int i = 0; i < 100; i++) {
                        try {
                            sink += op.applyAsLong(io, offset);
                            completed++;
                        } catch (MemoryFault e) {
                            faults++;
                        }
                    }
                }
                print("RESULT " + name + " " + completed + " " + faults);
            }
        }
        print("ALIVE " + (sink & 1));
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
