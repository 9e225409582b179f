package dev.sysmem.bench.ring;

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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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
 * <p>{@code --compare LABEL=CLASSPATH} (repeatable) adds the virtqueue of another build of this
 * project, both modes, as further contenders in the same rounds ({@link VirtqueueBuild}), with a
 * column of their per-round ratio to this build's queue: a before/after comparison of a change in
 * one JVM.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *      -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.ring.RingCpuCost --rounds 300 --out benchmarks/results
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

    public static void main(String[] args) throws IOException {
        int rounds = 300;
        int warmUp = 100;
        double warmUpSeconds = 2;
        Path out = Path.of("benchmarks/results");
        String name = "ring-cpu";
        List<String> compare = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup-rounds" -> warmUp = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--name" -> name = args[i + 1];
                case "--warmup-s" -> warmUpSeconds = Double.parseDouble(args[i + 1]);
                case "--compare" -> compare.add(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: RingCpuCost [--rounds N] [--warmup-rounds N] [--out DIR] [--name NAME] [--warmup-s S]"
                        + " [--compare LABEL=CLASSPATH]...");
            }
        }
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot read a thread's CPU time");
        }
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        LocalDateTime started = LocalDateTime.now();
        StringBuilder md = new StringBuilder();
        md.append("## Ring CPU cost, one thread, ").append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append("\n\n- Machine: ").append(CpuModel.describe()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores available")
                .append("\n- JDK: ").append(System.getProperty("java.vm.version"))
                .append("; each contender first run alone for ").append(warmUpSeconds)
                .append(" s of CPU time (JIT), then ").append(rounds).append(" rounds after ").append(warmUp)
                .append(" warm-up rounds, slices of ~1 ms thread CPU time, contenders in a random order each round\n");
        StringBuilder tables = new StringBuilder();
        for (int payload : new int[] {64, 4096}) {
            List<Contender> contenders = new ArrayList<>(List.of(virtqueue(payload, false), virtqueue(payload, true),
                    agrona(payload), jctools(payload)));
            for (String build : compare) {
                contenders.add(VirtqueueBuild.contender(build, payload, false));
                contenders.add(VirtqueueBuild.contender(build, payload, true));
            }
            try {
                tables.append(measure(payload, contenders, rounds, warmUp, (long) (warmUpSeconds * 1e9)));
            } finally {
                contenders.forEach(Contender::close);
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        md.append("- Load average (1 min) before: ").append(fmt(loadBefore)).append(", after: ").append(fmt(loadAfter))
                .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n")
                .append("Each cell: the median over rounds, and the 10th-90th percentile of the per-round values. "
                        + "Ratios are buffers per CPU second, subject over contender (higher is better); bars as the "
                        + "two-thread benchmarks' (≥ 0.5 × Agrona at 64 B, ≥ 0.9 × at 4 KiB, ≥ 1 × JCTools).\n")
                .append(tables);
        String text = md.toString();
        System.out.println(text);
        Files.createDirectories(out);
        Path file = out.resolve(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd")) + "-" + name + ".md");
        Files.writeString(file, text);
        System.out.println("Wrote " + file);
    }

    private static String measure(int payload, List<Contender> contenders, int rounds, int warmUp, long warmUpNs) {
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
        boolean builds = n > 4;
        StringBuilder out = new StringBuilder("\n### " + payload + " B payload\n\n| contender | ns per buffer (CPU) |"
                + " / Agrona (bar " + (payload == 64 ? "≥ 0.5" : "≥ 0.9") + ") | / JCTools (bar ≥ 1) |"
                + (builds ? " / this build's virtqueue, same mode |\n|---|---:|---|---|---|\n" : "\n|---|---:|---|---|\n"));
        int agrona = 2;
        int jctools = 3;
        for (int c = 0; c < n; c++) {
            boolean subject = c < agrona || c > jctools;
            out.append("| ").append(contenders.get(c).name()).append(" | ").append(spread(nsPerBuffer[c]));
            for (int reference : new int[] {agrona, jctools}) {
                double bar = reference == agrona ? (payload == 64 ? 0.5 : 0.9) : 1.0;
                if (reference == c) {
                    out.append(" | —");
                    continue;
                }
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratios[r] = nsPerBuffer[reference][r] / nsPerBuffer[c][r];
                }
                double[] s = quantiles(ratios);
                out.append(" | ").append(fmt(s[1])).append(" (").append(fmt(s[0])).append("-").append(fmt(s[2])).append(")")
                        .append(subject ? (s[1] >= bar ? " met" : " **missed**") + (s[0] <= bar && s[2] >= bar ? " †" : "") : "");
            }
            if (builds) {
                if (c <= jctools) {
                    out.append(" | —");
                } else {
                    // Compared builds come in pairs (plain, IN_ORDER), as this build's rows 0 and 1.
                    int same = (c - jctools - 1) % 2;
                    double[] ratios = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratios[r] = nsPerBuffer[same][r] / nsPerBuffer[c][r];
                    }
                    double[] s = quantiles(ratios);
                    out.append(" | ").append(fmt(s[1])).append(" (").append(fmt(s[0])).append("-").append(fmt(s[2])).append(")");
                }
            }
            out.append(" |\n");
        }
        out.append("\n† the p10-p90 spread contains the bar.\n");
        return out.toString();
    }

    private static String spread(double[] values) {
        double[] s = quantiles(values);
        return fmt(s[1]) + " (" + fmt(s[0]) + "-" + fmt(s[2]) + ")";
    }

    /** The 10th, 50th and 90th percentiles, interpolated linearly between sorted values. */
    static double[] quantiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {quantile(sorted, 0.1), quantile(sorted, 0.5), quantile(sorted, 0.9)};
    }

    private static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int low = (int) Math.floor(at);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (at - low) * (sorted[high] - sorted[low]);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
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
