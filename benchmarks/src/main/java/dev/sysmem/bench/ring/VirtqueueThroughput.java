package dev.sysmem.bench.ring;

import dev.sysmem.bench.BenchJvm;
import dev.sysmem.sim.virtio.VirtqueueDevice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The subject: buffers per second through a VIRTIO split virtqueue, the {@code VirtqueueDriver}
 * on the measured thread and the {@link VirtqueueDevice} engine on a device-sim device thread that
 * polls the available ring (a poll-mode device, as vhost-user and DPDK back ends run), so that the
 * consumer busy-waits exactly as the Agrona and JCTools consumers do. Each buffer's payload is
 * copied in by the driver and out by the device. See {@link VirtioDeviceThroughput} for the same
 * queue behind the sleeping, doorbell-driven {@code VirtioDevice}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class VirtqueueThroughput {

    /** Buffers per kick in {@link #transferBatchedKick}. */
    static final int KICK_BATCH = 32;

    @Param({"64", "4096"})
    public int payload;

    /** Whether both sides negotiate {@code VIRTIO_F_IN_ORDER} (one used element per batch). */
    @Param({"false", "true"})
    public boolean inOrder;

    private VirtqueueProducer producer;

    @Setup(Level.Trial)
    public void start() {
        producer = new VirtqueueProducer(payload, inOrder);
        producer.startPollingDevice();
    }

    @TearDown(Level.Trial)
    public void stop() {
        producer.close();
    }

    /** A kick check (with its full fence) after every buffer: what no real driver does, kept for comparison. */
    @Benchmark
    public void transfer() {
        producer.send();
    }

    /**
     * The headline: the same in bursts of {@link #KICK_BATCH} buffers, as a burst-aware driver
     * sends (Linux's {@code xmit_more}, DPDK's burst): each buffer added with
     * {@code VirtqueueDriver.addReadableToBatch}, then one {@code avail.idx} store and one kick decision
     * (with its full fence) per burst.
     */
    @Benchmark
    public void transferBatchedKick() {
        producer.sendBatched(KICK_BATCH);
    }
}
