package dev.sysmem.bench.ring;

import dev.sysmem.bench.BackgroundLoop;
import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.Spin;
import dev.sysmem.io.SharedMemory;
import org.agrona.BitUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
 * The shared-memory peer of the virtqueue: Agrona's {@link OneToOneRingBuffer} in a
 * {@link SharedMemory} region, sized for {@link RingShape#SLOTS} records of the payload. The
 * measured thread writes one record per operation (copying the payload in from native memory,
 * spinning while the ring is full); a consumer thread reads records and copies each payload out.
 * Throughput is records per second at the producer, which the consumer bounds once the ring fills.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class AgronaRingThroughput {

    private static final int MESSAGE_TYPE = 1;

    @Param({"64", "4096"})
    public int payload;

    private SharedMemory ringMemory;
    private SharedMemory buffers;
    private OneToOneRingBuffer ring;
    private UnsafeBuffer source;
    private BackgroundLoop consumer;

    @Setup(Level.Trial)
    public void start() {
        int record = BitUtil.align(payload + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
        int capacity = BitUtil.findNextPositivePowerOfTwo(RingShape.SLOTS * record);
        int length = capacity + RingBufferDescriptor.TRAILER_LENGTH;
        ringMemory = SharedMemory.anonymous(length);
        ring = new OneToOneRingBuffer(new UnsafeBuffer(ringMemory.segment().address(), length));
        buffers = SharedMemory.anonymous(2L * payload);
        source = new UnsafeBuffer(buffers.segment().address(), payload);
        for (int i = 0; i < payload; i++) {
            source.putByte(i, (byte) i);
        }
        UnsafeBuffer destination = new UnsafeBuffer(buffers.segment().address() + payload, payload);
        OneToOneRingBuffer shared = ring;
        MessageHandler copyOut = (type, buffer, index, len) -> destination.putBytes(0, buffer, index, len);
        consumer = BackgroundLoop.start("agrona-consumer", loop -> {
            long idle = 0;
            while (!loop.stopping()) {
                if (shared.read(copyOut) == 0) {
                    Spin.idle(++idle);
                } else {
                    idle = 0;
                }
            }
        });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        consumer.close();
        ringMemory.close();
        buffers.close();
    }

    @Benchmark
    public void transfer() {
        long spins = 0;
        long since = 0;
        while (!ring.write(MESSAGE_TYPE, source, 0, payload)) {
            Spin.idle(++spins);
            if ((spins & Spin.CHECK_MASK) == 0) {
                since = Spin.check(since, "room in the Agrona ring");
            }
        }
    }
}
