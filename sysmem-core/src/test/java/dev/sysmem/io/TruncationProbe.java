package dev.sysmem.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongBiFunction;

/**
 * The child JVM of {@link SharedMemoryTruncationTest}: for every access {@link SysMem} makes
 * (each width and mode, both byte orders, reads, writes and atomics) it maps a fresh file, runs
 * the access a few times, truncates the file, and runs the access once more. Before that, every
 * access runs {@code WARM} rounds on a scratch file so that the JIT, when the JVM's flags let it,
 * compiles them all once with a profile that covers every case. It prints {@code FAULTING <case>} just before that
 * access and {@code RESULT <case> <outcome>} after it, then {@code ALIVE} at the end: the JVM
 * survived every fault. An outcome is {@code MemoryFault} when the exception was a MemoryFault
 * wrapping an InternalError with a message naming the region, offset and width, and the name of
 * whatever else happened otherwise.
 *
 * <p>Usage: {@code TruncationProbe WARM PATH}; the file at {@code PATH} is created and removed
 * for each case (the test removes it too, should this JVM die).
 */
final class TruncationProbe {

    private static final long SIZE = 8192;
    private static final long OFFSET = 0x1010;
    private static final int NEVER = 0x5a5a_5a5a;

    private record Case(String name, ToLongBiFunction<SysMem, Long> access) {
    }

    private TruncationProbe() {
    }

    public static void main(String[] args) throws IOException {
        int warm = Integer.parseInt(args[0]);
        Path path = Path.of(args[1]);
        List<Case> cases = cases();
        long sink = 0;
        try (SharedMemory scratch = SharedMemory.create(path, SIZE)) {
            SysMem io = scratch.io("probe");
            for (int i = 0; i < warm; i++) {
                for (Case c : cases) {
                    sink += c.access().applyAsLong(io, OFFSET);
                }
            }
        } finally {
            Files.deleteIfExists(path);
        }
        for (Case c : cases) {
            try (SharedMemory shm = SharedMemory.create(path, SIZE)) {
                SysMem io = shm.io("probe");
                for (int i = 0; i < 10; i++) {
                    sink += c.access().applyAsLong(io, OFFSET);
                }
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    channel.truncate(0);
                }
                print("FAULTING " + c.name() + " " + (sink & 1));
                String outcome;
                try {
                    c.access().applyAsLong(io, OFFSET);
                    outcome = "NONE";
                } catch (MemoryFault e) {
                    boolean clear = e.getCause() instanceof InternalError && e.region().startsWith("probe")
                            && e.offset() == OFFSET && e.getMessage().contains("at offset 0x1010 faulted");
                    outcome = clear ? "MemoryFault" : "UnclearMemoryFault:" + e.getMessage();
                } catch (Throwable t) {
                    outcome = t.getClass().getName();
                }
                print("RESULT " + c.name() + " " + outcome);
            } finally {
                Files.deleteIfExists(path);
            }
        }
        try (SharedMemory after = SharedMemory.anonymous(64)) {
            after.io().write64(0, 1);
            print(after.io().read64(0) == 1 ? "ALIVE" : "BROKEN");
        }
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            String o = order == ByteOrder.BIG_ENDIAN ? "be" : "le";
            for (AccessMode mode : AccessMode.values()) {
                for (Width width : Width.values()) {
                    String suffix = width + "-" + mode + "-" + o;
                    all.add(new Case("read-" + suffix, (io, off) -> io.withMode(mode).withOrder(order).read(width, off)));
                    all.add(new Case("write-" + suffix, (io, off) -> {
                        io.withMode(mode).withOrder(order).write(width, off, 1);
                        return 0;
                    }));
                }
            }
            // Compared with a value memory never holds: an outcome that changed between warm-up and
            // fault would make the JIT throw its code away just before the fault.
            all.add(new Case("cas32-" + o, (io, off) -> io.withOrder(order).compareAndSet32(off, NEVER, 0) ? 1 : 0));
            all.add(new Case("cas64-" + o, (io, off) -> io.withOrder(order).compareAndSet64(off, NEVER, 0) ? 1 : 0));
            all.add(new Case("cae32-" + o, (io, off) -> io.withOrder(order).compareAndExchange32(off, 0, 0)));
            all.add(new Case("cae64-" + o, (io, off) -> io.withOrder(order).compareAndExchange64(off, 0, 0)));
            all.add(new Case("add32-" + o, (io, off) -> io.withOrder(order).getAndAdd32(off, 1)));
            all.add(new Case("add64-" + o, (io, off) -> io.withOrder(order).getAndAdd64(off, 1)));
            all.add(new Case("set32-" + o, (io, off) -> io.withOrder(order).getAndSet32(off, 1)));
            all.add(new Case("set64-" + o, (io, off) -> io.withOrder(order).getAndSet64(off, 1)));
            all.add(new Case("or32-" + o, (io, off) -> io.withOrder(order).getAndBitwiseOr32(off, 1)));
            all.add(new Case("or64-" + o, (io, off) -> io.withOrder(order).getAndBitwiseOr64(off, 1)));
            all.add(new Case("and32-" + o, (io, off) -> io.withOrder(order).getAndBitwiseAnd32(off, 1)));
            all.add(new Case("and64-" + o, (io, off) -> io.withOrder(order).getAndBitwiseAnd64(off, 1)));
        }
        return all;
    }
}
