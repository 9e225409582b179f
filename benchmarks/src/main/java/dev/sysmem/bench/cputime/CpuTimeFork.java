package dev.sysmem.bench.cputime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * One measuring JVM of {@link CpuTimeRun}: builds the contenders of one configuration, warms them
 * up and calibrates them, then runs them in interleaved rounds, each contender for one time slice
 * per round in a fresh random order, and records the thread CPU time each slice took.
 *
 * <p>Why thread CPU time: on a machine shared with other work, wall-clock time includes the time
 * this thread waited for a core, which has nothing to do with the code measured and varies by
 * several times from one second to the next. The thread's own CPU time does not count waiting.
 * Why short interleaved slices: what remains (caches and branch predictors disturbed by the other
 * work, frequency changes) drifts over seconds; slices of about a millisecond, contenders side by
 * side in random order, put every contender under the same drift, and the ratio is taken within
 * each round.
 *
 * <p>Started by {@link CpuTimeRun}, which passes every option.
 */
@Command(name = "CpuTimeFork", mixinStandardHelpOptions = true,
        description = "One measuring JVM of CpuTimeRun; writes its rounds as JSON.")
public final class CpuTimeFork implements Callable<Integer> {

    /** Where every contender accesses: aligned for every width, 16 accesses of 8 bytes fit. */
    static final long OFFSET = 64;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Option(names = "--set", required = true, description = "access, mapped-file, mapped-memfd, hooks or views-N")
    private String set;

    @Option(names = "--modes", required = true, split = ",", description = "the access modes whose contenders run here")
    private List<AccessMode> modes;

    @Option(names = "--config", required = true, description = "the configuration's name, for the result")
    private String config;

    @Option(names = "--fork", required = true, description = "this fork's number within its configuration")
    private int fork;

    @Option(names = "--rounds", required = true)
    private int rounds;

    @Option(names = "--warmup-rounds", required = true)
    private int warmupRounds;

    @Option(names = "--slice-us", required = true, description = "target length of one slice, microseconds")
    private long sliceMicros;

    @Option(names = "--out", required = true, description = "the JSON file to write")
    private Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CpuTimeFork()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure the current thread's CPU time");
        }
        THREADS.setThreadCpuTimeEnabled(true);
        long sliceNanos = sliceMicros * 1000;

        try (Contenders contenders = Contenders.of(set, modes)) {
            List<TimedKernel> kernels = contenders.kernels();
            long[] iterations = new long[kernels.size()];
            Arrays.fill(iterations, 1000);
            double[][] perAccess = new double[kernels.size()][rounds];
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < kernels.size(); k++) {
                order.add(k);
            }
            Random shuffle = new Random(42);
            for (int round = 0; round < warmupRounds; round++) {
                Collections.shuffle(order, shuffle);
                for (int k : order) {
                    long took = slice(kernels.get(k), iterations[k]);
                    iterations[k] = calibrate(iterations[k], took, sliceNanos);
                }
            }
            double loadBefore = loadAverage();
            for (int round = 0; round < rounds; round++) {
                Collections.shuffle(order, shuffle);
                for (int k : order) {
                    TimedKernel kernel = kernels.get(k);
                    perAccess[k][round] = (double) slice(kernel, iterations[k]) / (iterations[k] * kernel.accessesPerRound());
                }
            }
            double loadAfter = loadAverage();
            List<ForkResult.KernelResult> results = new ArrayList<>();
            for (int k = 0; k < kernels.size(); k++) {
                results.add(new ForkResult.KernelResult(kernels.get(k).contender(), kernels.get(k).cell(), iterations[k],
                        perAccess[k]));
            }
            ForkResult result = new ForkResult(config, fork, sliceMicros, loadBefore, loadAfter,
                    Runtime.version() + " " + System.getProperty("java.vm.name"), results);
            new ObjectMapper().writeValue(out.toFile(), result);
        }
        return 0;
    }

    /** Runs one slice and returns the CPU time this thread spent in it. */
    private static long slice(TimedKernel kernel, long iterations) {
        long start = THREADS.getCurrentThreadCpuTime();
        long sink = kernel.body().run(iterations);
        long took = THREADS.getCurrentThreadCpuTime() - start;
        Sink.consume(sink);
        return took;
    }

    /** The iteration count that makes the next slice about {@code sliceNanos} long, moving at most 4x at once. */
    static long calibrate(long iterations, long tookNanos, long sliceNanos) {
        double factor = tookNanos <= 0 ? 4 : Math.clamp((double) sliceNanos / tookNanos, 0.25, 4);
        return Math.max(1, Math.round(iterations * factor));
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Keeps what the read loops return observable, so the JIT cannot drop the reads. */
    static final class Sink {
        private static volatile long value;

        private Sink() {
        }

        static void consume(long v) {
            value ^= v;
        }
    }

    /** The memory and contenders of one configuration; closing releases the memory. */
    private record Contenders(List<TimedKernel> kernels, List<AutoCloseable> resources) implements AutoCloseable {

        static Contenders of(String set, List<AccessMode> modes) throws IOException {
            List<TimedKernel> kernels = new ArrayList<>();
            List<AutoCloseable> resources = new ArrayList<>();
            switch (set) {
                case "access" -> {
                    SharedMemory memory = SharedMemory.anonymous(SharedMemory.PAGE_SIZE);
                    resources.add(memory);
                    SysMemKernels sysmem = new SysMemKernels("SysMem", SysMem.of("bench", memory.segment()), OFFSET);
                    RawKernels raw = new RawKernels("raw VarHandle", memory.segment(), OFFSET);
                    HeldSegmentKernels held = new HeldSegmentKernels(memory.segment(), OFFSET);
                    ConstantSegmentKernels constant = new ConstantSegmentKernels(memory.segment(), OFFSET);
                    AgronaKernels agrona = new AgronaKernels(memory.segment(), Math.toIntExact(OFFSET));
                    for (AccessMode mode : modes) {
                        kernels.addAll(sysmem.forMode(mode));
                        kernels.addAll(raw.forMode(mode));
                        kernels.addAll(held.forMode(mode));
                        kernels.addAll(constant.forMode(mode));
                        kernels.addAll(agrona.forMode(mode));
                    }
                    kernels.addAll(new EmptyKernels(OFFSET).kernels());
                }
                case "mapped-file" -> {
                    Path file = Files.createTempFile(Path.of("/dev/shm"), "sysmem-cputime-", ".bin");
                    Files.delete(file);
                    SharedMemory memory = SharedMemory.create(file, SharedMemory.PAGE_SIZE);
                    resources.add(memory);
                    resources.add(() -> Files.deleteIfExists(file));
                    addMapped(kernels, modes, "SysMem, guarded file", memory);
                }
                case "mapped-memfd" -> {
                    SharedMemory memory = SharedMemory.sealed("sysmem-cputime", SharedMemory.PAGE_SIZE);
                    resources.add(memory);
                    addMapped(kernels, modes, "SysMem, sealed memfd", memory);
                    ConstantSegmentKernels constant = new ConstantSegmentKernels(memory.segment(), OFFSET);
                    for (AccessMode mode : modes) {
                        kernels.addAll(constant.forMode(mode));
                    }
                }
                case String views when views.startsWith("views-") -> {
                    SharedMemory memory = SharedMemory.anonymous(SharedMemory.PAGE_SIZE);
                    resources.add(memory);
                    int count = Integer.parseInt(views.substring("views-".length()));
                    kernels.addAll(new ViewCountKernels(memory.segment(), OFFSET, count).kernels());
                }
                case "hooks" -> {
                    SharedMemory memory = SharedMemory.anonymous(SharedMemory.PAGE_SIZE);
                    resources.add(memory);
                    kernels.addAll(new HookKernels(SysMem.of("bench", memory.segment()), OFFSET).kernels());
                }
                default -> throw new IllegalArgumentException("--set must be access, mapped-file, mapped-memfd, hooks or views-N, was '"
                        + set + "'");
            }
            return new Contenders(List.copyOf(kernels), resources);
        }

        /** SysMem as {@link SharedMemory#io} hands it out for {@code memory}, and the raw handle on the same mapping. */
        private static void addMapped(List<TimedKernel> kernels, List<AccessMode> modes, String contender, SharedMemory memory) {
            SysMemKernels sysmem = new SysMemKernels(contender, memory.io("bench"), OFFSET);
            RawKernels raw = new RawKernels("raw VarHandle", memory.segment(), OFFSET);
            for (AccessMode mode : modes) {
                kernels.addAll(sysmem.forMode(mode));
                kernels.addAll(raw.forMode(mode));
            }
        }

        @Override
        public void close() {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("could not release " + r + ": " + e);
                }
            }
        }
    }
}
