package dev.sysmem.bench.ring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.report.CpuModel;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.virtio.VirtqueueDevice;
import org.agrona.BitUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What one buffer through each ring costs in CPU time when both sides run on one thread: the
 * producer fills the ring ({@value #BATCH} buffers, the virtqueue's kick decided every
 * {@link VirtqueueThroughput#KICK_BATCH}), then the consumer empties it, then (virtqueue, JCTools)
 * the buffers go back. The same copies as the two-thread benchmarks (payload in from memory, out
 * to memory), the same ring sizes, and every contender goes through all its buffers each pass, so
 * none runs from a smaller, warmer working set than the others.
 *
 * <p>Why: the two-thread throughput benchmarks are wall-clock and need both threads on a core at
 * once; above a load of 2 on this machine the scheduler decides their result. Thread CPU time
 * does not help there: a spinning thread whose partner is descheduled burns CPU time while nothing
 * moves. On one thread nothing spins, so the CPU time is the rings' own work per buffer, and it
 * holds at any load. What it leaves out is the cost of moving cache lines between two cores,
 * which the two-thread benchmarks contain; it is a second figure, not a replacement.
 *
 * <p>Method, as the access harness's: contenders interleaved in slices of about 1 ms of thread CPU
 * time ({@code ThreadMXBean.getCurrentThreadCpuTime}), a fresh random order every round, warm-up
 * rounds that also fix each slice's batch count, ratios taken within one round, median and
 * 10th-90th percentile of the per-round ratios. Ratios are throughput ratios (buffers per CPU
 * second, higher is better): {@code virtqueue / Agrona = Agrona's ns per buffer / virtqueue's}.
 *
 * <p>Beside the references, {@link SplitRingFloor}: the split-ring protocol's own accesses with
 * nothing else, written by hand. Its ratios to Agrona and JCTools say which bars any virtqueue over
 * {@code java.lang.foreign} can reach at all; the virtqueue's ratio to it says how much of the cost
 * is this implementation's rather than the protocol's.
 *
 * <p>{@code --compare LABEL=CLASSPATH} (repeatable) adds the virtqueue of another build of this
 * project, both modes, as further contenders in the same rounds ({@link VirtqueueBuild}), with a
 * column of their per-round ratio to this build's queue: a before/after comparison of a change in
 * one JVM.
 *
 * <p>Every payload size ({@code --payload}, repeatable; 64 and 4096 bytes unless given) is
 * measured in fresh JVMs of its own (with the JMH forks' flags), one after the other; {@code --jvms N}
 * (default 1) runs N of them per size and renders one table ({@link RingCpuTable}): every JVM's
 * rounds pooled, and each JVM's median beside them. JVMs differ by their JIT decisions more than
 * rounds within one JVM do, so a verdict near a bar needs several. {@code --share-jvm true}
 * measures every size in each JVM, one after the other, as the runs before 2026-12-02 14:18 did.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *      -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.ring.RingCpuCost --rounds 300 --jvms 3 --out benchmarks/results
 * }</pre>
 */
public final class RingCpuCost {

    /** Buffers per pass: a full ring. */
    static final int BATCH = RingShape.SLOTS;
    private static final long SLICE_NS = 1_000_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One contender: {@code batches} batches of {@link #BATCH} buffers through both sides. */
    interface Contender extends AutoCloseable {
        String name();

        void pass(int batches);

        @Override
        void close();
    }

    private RingCpuCost() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int rounds = 300;
        int warmUp = 100;
        double warmUpSeconds = 2;
        int jvms = 1;
        Path out = Path.of("benchmarks/results");
        Path raw = null;
        String name = "ring-cpu";
        List<String> compare = new ArrayList<>();
        List<Integer> payloads = new ArrayList<>();
        boolean shareJvm = false;
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("option " + args[args.length - 1] + " has no value; " + USAGE);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup-rounds" -> warmUp = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--name" -> name = args[i + 1];
                case "--warmup-s" -> warmUpSeconds = Double.parseDouble(args[i + 1]);
                case "--compare" -> compare.add(args[i + 1]);
                case "--jvms" -> jvms = Integer.parseInt(args[i + 1]);
                case "--raw" -> raw = Path.of(args[i + 1]);
                case "--payload" -> payloads.add(Integer.parseInt(args[i + 1]));
                case "--share-jvm" -> shareJvm = parseBoolean("--share-jvm", args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (rounds < 1 || warmUp < 0 || jvms < 1 || payloads.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("--rounds, --jvms and --payload must be at least 1, --warmup-rounds at least 0;"
                    + " got " + rounds + ", " + jvms + ", " + payloads + ", " + warmUp);
        }
        if (payloads.isEmpty()) {
            payloads.addAll(PAYLOADS);
        }
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot read a thread's CPU time");
        }
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        LocalDateTime started = LocalDateTime.now();
        if (raw != null) {
            // A child JVM: its parent renders the table.
            new ObjectMapper().writeValue(raw.toFile(), measureHere(payloads, compare, rounds, warmUp, (long) (warmUpSeconds * 1e9)));
            return;
        }
        List<RingCpuRun> runs = measureInJvms(jvms, payloads, shareJvm, args);
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String text = "## Ring CPU cost, one thread, " + started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                + "\n\n- Machine: " + CpuModel.describe() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores available\n- JDK: " + System.getProperty("java.vm.version") + "; " + jvms
                + (jvms == 1 ? " JVM" : " JVMs, one after the other,")
                + (shareJvm ? " measuring every payload size one after the other" : " per payload size")
                + ", each contender first run alone for " + warmUpSeconds
                + " s of CPU time (JIT), then " + rounds + " rounds after " + warmUp
                + " warm-up rounds, slices of ~1 ms thread CPU time, contenders in a random order each round\n"
                + "- Load average (1 min) before: " + RingCpuTable.fmt(loadBefore) + ", after: " + RingCpuTable.fmt(loadAfter)
                + " on " + Runtime.getRuntime().availableProcessors() + " cores\n\n"
                + "Each cell: the median over rounds (of every JVM), and the 10th-90th percentile of the per-round values"
                + (jvms == 1 ? "" : "; below it each JVM's own median") + ". Ratios are buffers per CPU second, subject over "
                + "contender (higher is better), taken round by round; bars as the two-thread benchmarks' (≥ 0.5 × Agrona "
                + "at 64 B, ≥ 0.9 × at 4 KiB, ≥ 1 × JCTools).\n"
                + RingCpuTable.markdown(runs);
        System.out.println(text);
        Files.createDirectories(out);
        Path file = out.resolve(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd")) + "-" + name + ".md");
        Files.writeString(file, text);
        System.out.println("Wrote " + file);
    }

    private static final String USAGE = "usage: RingCpuCost [--rounds N] [--warmup-rounds N] [--warmup-s S] [--jvms N]"
            + " [--payload BYTES]... [--share-jvm true|false] [--out DIR] [--name NAME] [--compare LABEL=CLASSPATH]...";

    private static boolean parseBoolean(String option, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(option + " takes true or false, not '" + value + "'");
        };
    }

    /** The payload sizes measured unless {@code --payload} names others: the bars' two. */
    private static final List<Integer> PAYLOADS = List.of(64, 4096);

    /** The contenders of each of {@code sizes} measured in this JVM, one size after the other. */
    private static RingCpuRun measureHere(List<Integer> sizes, List<String> compare, int rounds, int warmUp, long warmUpNs) {
        List<RingCpuRun.Payload> payloads = new ArrayList<>();
        for (int payload : sizes) {
            List<Contender> contenders = new ArrayList<>(List.of(virtqueue(payload, false), virtqueue(payload, true),
                    agrona(payload), jctools(payload), new SplitRingFloor(payload)));
            for (String build : compare) {
                contenders.add(VirtqueueBuild.contender(build, payload, false));
                contenders.add(VirtqueueBuild.contender(build, payload, true));
            }
            try {
                payloads.add(new RingCpuRun.Payload(payload, contenders.stream().map(Contender::name).toList(),
                        measure(payload, contenders, rounds, warmUp, warmUpNs)));
            } finally {
                contenders.forEach(Contender::close);
            }
        }
        return new RingCpuRun(payloads);
    }

    /**
     * Runs this program in {@code jvms} fresh JVMs per payload size, one after the other, with the
     * options given and the JMH forks' flags, and collects what each measured: the j-th JVM of every
     * size make the j-th run ({@code shareJvm}: one JVM measures every size, as runs did before).
     * Each size has JVMs of its own, as JMH gives each parameter value forks of its own, so that
     * no size's figures can depend on what the JIT saw of another (both ways were measured once
     * side by side and differed by no more than the runs' noise: benchmarks/README.md, "Rings in
     * CPU time"). A JVM that fails or takes more than 10 minutes fails the run.
     */
    private static List<RingCpuRun> measureInJvms(int jvms, List<Integer> payloads, boolean shareJvm, String[] args)
            throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("sysmem-ring-cpu-");
        List<RingCpuRun> runs = new ArrayList<>();
        try {
            for (int j = 1; j <= jvms; j++) {
                List<RingCpuRun.Payload> measured = new ArrayList<>();
                // One child per size, or one for all of them with --share-jvm.
                List<List<Integer>> children = shareJvm ? List.of(payloads) : payloads.stream().map(List::of).toList();
                for (List<Integer> sizes : children) {
                    Path raw = scratch.resolve("jvm-" + j + "-" + sizes.getFirst() + ".json");
                    List<String> command = new ArrayList<>();
                    for (int i = 0; i + 1 < args.length; i += 2) {
                        if (!args[i].equals("--jvms") && !args[i].equals("--payload") && !args[i].equals("--share-jvm")) {
                            command.addAll(List.of(args[i], args[i + 1]));
                        }
                    }
                    for (int size : sizes) {
                        command.addAll(List.of("--payload", Integer.toString(size)));
                    }
                    command.addAll(List.of("--raw", raw.toString()));
                    System.out.printf("JVM %d/%d, %s B; load %.2f%n", j, jvms, sizes,
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    BenchJvm.run("JVM " + j + " of " + jvms + " (" + sizes + " B)", RingCpuCost.class, command,
                            Duration.ofMinutes(10));
                    measured.addAll(new ObjectMapper().readValue(raw.toFile(), RingCpuRun.class).payloads());
                }
                runs.add(new RingCpuRun(measured));
            }
        } finally {
            BenchJvm.deleteScratch(scratch);
        }
        return runs;
    }

    /** Per contender, per measured round: CPU nanoseconds per buffer. */
    private static double[][] measure(int payload, List<Contender> contenders, int rounds, int warmUp, long warmUpNs) {
        int n = contenders.size();
        for (Contender contender : contenders) {
            // Long enough for C2 to compile the whole step before any slice counts.
            long start = THREADS.getCurrentThreadCpuTime();
            while (THREADS.getCurrentThreadCpuTime() - start < warmUpNs) {
                contender.pass(64);
            }
        }
        int[] batches = new int[n];
        Arrays.fill(batches, 1);
        double[][] nsPerBuffer = new double[n][rounds];
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            order.add(c);
        }
        Random random = new Random(payload);
        for (int round = -warmUp; round < rounds; round++) {
            Collections.shuffle(order, random);
            for (int c : order) {
                long start = THREADS.getCurrentThreadCpuTime();
                contenders.get(c).pass(batches[c]);
                long took = THREADS.getCurrentThreadCpuTime() - start;
                if (round < 0) {
                    // Warm-up: steer the slice towards ~1 ms; fixed from the first measured round on.
                    batches[c] = (int) Math.max(1, Math.min(1 << 20, (long) batches[c] * SLICE_NS / Math.max(took, 1)));
                } else {
                    nsPerBuffer[c][round] = (double) took / ((long) batches[c] * BATCH);
                }
            }
        }
        return nsPerBuffer;
    }

    private static Contender virtqueue(int payload, boolean inOrder) {
        VirtqueueProducer producer = new VirtqueueProducer(payload, inOrder);
        VirtqueueDevice device = producer.attachDeviceOnThisThread();
        return new Contender() {
            @Override
            public String name() {
                return inOrder ? "virtqueue, IN_ORDER" : "virtqueue";
            }

            @Override
            public void pass(int batches) {
                for (int b = 0; b < batches; b++) {
                    producer.sendBatchOnThisThread(device, BATCH, VirtqueueThroughput.KICK_BATCH);
                }
            }

            @Override
            public void close() {
                producer.close();
            }
        };
    }

    private static Contender agrona(int payload) {
        int record = BitUtil.align(payload + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
        int capacity = BitUtil.findNextPositivePowerOfTwo(RingShape.SLOTS * record);
        int length = capacity + RingBufferDescriptor.TRAILER_LENGTH;
        SharedMemory ringMemory = SharedMemory.anonymous(length);
        SharedMemory buffers = SharedMemory.anonymous(2L * payload);
        OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(ringMemory.segment().address(), length));
        UnsafeBuffer source = new UnsafeBuffer(buffers.segment().address(), payload);
        for (int i = 0; i < payload; i++) {
            source.putByte(i, (byte) i);
        }
        UnsafeBuffer destination = new UnsafeBuffer(buffers.segment().address() + payload, payload);
        MessageHandler copyOut = (type, buffer, index, len) -> destination.putBytes(0, buffer, index, len);
        return new Contender() {
            @Override
            public String name() {
                return "Agrona OneToOneRingBuffer";
            }

            @Override
            public void pass(int batches) {
                for (int b = 0; b < batches; b++) {
                    for (int i = 0; i < BATCH; i++) {
                        if (!ring.write(1, source, 0, payload)) {
                            throw new IllegalStateException("no room in the Agrona ring for buffer " + i + " of a batch");
                        }
                    }
                    // A read stops at the end of the buffer (after a padding record it may return 0);
                    // the rest of the batch is at its start.
                    int got = 0;
                    for (int reads = 0; got < BATCH && reads < 4; reads++) {
                        got += ring.read(copyOut, BATCH - got);
                    }
                    if (got != BATCH) {
                        throw new IllegalStateException("the Agrona ring returned " + got + " of " + BATCH + " records");
                    }
                }
            }

            @Override
            public void close() {
                ringMemory.close();
                buffers.close();
            }
        };
    }

    private static Contender jctools(int payload) {
        SpscArrayQueue<byte[]> filled = new SpscArrayQueue<>(RingShape.SLOTS);
        SpscArrayQueue<byte[]> free = new SpscArrayQueue<>(RingShape.SLOTS);
        for (int i = 0; i < RingShape.SLOTS; i++) {
            free.offer(new byte[payload]);
        }
        byte[] source = new byte[payload];
        for (int i = 0; i < payload; i++) {
            source[i] = (byte) i;
        }
        byte[] destination = new byte[payload];
        return new Contender() {
            @Override
            public String name() {
                return "JCTools SpscArrayQueue";
            }

            @Override
            public void pass(int batches) {
                for (int b = 0; b < batches; b++) {
                    for (int i = 0; i < BATCH; i++) {
                        byte[] buffer = free.poll();
                        System.arraycopy(source, 0, buffer, 0, payload);
                        filled.offer(buffer);
                    }
                    for (int i = 0; i < BATCH; i++) {
                        byte[] buffer = filled.poll();
                        System.arraycopy(buffer, 0, destination, 0, payload);
                        free.offer(buffer);
                    }
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
