package dev.sysmem.bench.ring;

import dev.sysmem.bench.BenchJvm;
import dev.sysmem.sim.virtio.VirtioDevice;
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
 * {@link VirtqueueThroughput} with device-sim's {@link VirtioDevice} as the device: it sleeps on
 * its doorbell when the ring is empty and the driver wakes it through the {@code QueueNotify}
 * register whenever the device has asked for kicks (event-index suppression). Shows what the
 * shipped, CPU-friendly device costs against the busy-polling consumers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class VirtioDeviceThroughput {

    /** {@code DeviceID} the benchmark device reports: 0 is "reserved (invalid)", so use a console's. */
    private static final int DEVICE_ID = 3;

    @Param({"64", "4096"})
    public int payload;

    /**
     * The sleeping device's queue does not negotiate {@code VIRTIO_F_IN_ORDER}; the parameter
     * names that, so that each row is compared with the poll-mode virtqueue's row without it.
     */
    @Param({"false"})
    public boolean inOrder;

    private VirtqueueProducer producer;

    @Setup(Level.Trial)
    public void start() {
        producer = new VirtqueueProducer(payload);
        VirtioDevice device = new VirtioDevice("virtio-bench", DEVICE_ID, producer.guest, producer.layout,
                VirtqueueProducer.FEATURES, producer.copyOut());
        producer.createDriver(device.queueNotifier());
        producer.runner.start(device);
    }

    @TearDown(Level.Trial)
    public void stop() {
        producer.close();
    }

    @Benchmark
    public void transfer() {
        producer.send();
    }
}
