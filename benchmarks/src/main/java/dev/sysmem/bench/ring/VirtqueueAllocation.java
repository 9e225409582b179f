package dev.sysmem.bench.ring;

import dev.sysmem.bench.BenchJvm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * What the virtqueue allocates per buffer, for JMH's {@code gc} profiler ({@code gc.alloc.rate.norm},
 * bytes per operation, both threads counted): the headline step of {@link VirtqueueThroughput}
 * (64-byte payload, kicks batched), and beside it a control that adds the one allocation the driver
 * used to make per buffer, the error message of a check that did not fail. The control shows that
 * the profiler sees a per-buffer allocation of that size. The profiler counts every thread of the
 * fork and divides by the operations of an iteration, so on a loaded machine (few operations per
 * iteration) JMH's own bookkeeping shows as a few bytes per operation: read the subject against
 * the control, and see {@code VirtqueueAllocationTest}, which counts the two threads that carry
 * the buffers over a fixed number of them.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar VirtqueueAllocation -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class VirtqueueAllocation {

    private VirtqueueProducer producer;
    private long sent;

    @Setup(Level.Trial)
    public void start() {
        producer = new VirtqueueProducer(64);
        producer.startPollingDevice();
    }

    @TearDown(Level.Trial)
    public void stop() {
        producer.close();
    }

    /** The subject: one buffer through the queue, kicks batched. */
    @Benchmark
    public void sendBatched() {
        producer.sendBatched(VirtqueueThroughput.KICK_BATCH);
    }

    /** The control: the same, plus the message string the driver's chain check once built for every buffer. */
    @Benchmark
    public void sendBatchedWithMessage(Blackhole sink) {
        producer.sendBatched(VirtqueueThroughput.KICK_BATCH);
        long n = ++sent;
        sink.consume("buffer " + 0 + " (" + "readable" + ", addr 0x" + Long.toHexString(n) + ", len " + 64 + ")");
    }
}
