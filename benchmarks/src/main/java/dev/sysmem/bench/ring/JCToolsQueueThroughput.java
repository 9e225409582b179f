package dev.sysmem.bench.ring;

import dev.sysmem.bench.BackgroundLoop;
import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.Spin;
import org.jctools.queues.SpscArrayQueue;
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
 * The on-heap peer: JCTools {@link SpscArrayQueue}s of {@code byte[]} buffers, one queue of filled
 * buffers to the consumer and one of emptied buffers back, {@link RingShape#SLOTS} buffers in all:
 * the same recycling a virtqueue does with its available and used rings. The measured thread takes
 * a free buffer, copies the payload in and offers it; the consumer thread copies it out and
 * returns the buffer. Throughput is buffers per second at the producer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class JCToolsQueueThroughput {

    @Param({"64", "4096"})
    public int payload;

    private SpscArrayQueue<byte[]> filled;
    private SpscArrayQueue<byte[]> free;
    private byte[] source;
    private BackgroundLoop consumer;

    @Setup(Level.Trial)
    public void start() {
        filled = new SpscArrayQueue<>(RingShape.SLOTS);
        free = new SpscArrayQueue<>(RingShape.SLOTS);
        for (int i = 0; i < RingShape.SLOTS; i++) {
            free.offer(new byte[payload]);
        }
        source = new byte[payload];
        for (int i = 0; i < payload; i++) {
            source[i] = (byte) i;
        }
        byte[] destination = new byte[payload];
        SpscArrayQueue<byte[]> in = filled;
        SpscArrayQueue<byte[]> back = free;
        consumer = BackgroundLoop.start("jctools-consumer", loop -> {
            long idle = 0;
            while (!loop.stopping()) {
                byte[] buffer = in.poll();
                if (buffer == null) {
                    Spin.idle(++idle);
                    continue;
                }
                idle = 0;
                System.arraycopy(buffer, 0, destination, 0, buffer.length);
                if (!back.offer(buffer)) {
                    throw new IllegalStateException("the free queue has no room for a returned buffer");
                }
            }
        });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        consumer.close();
    }

    @Benchmark
    public void transfer() {
        long spins = 0;
        long since = 0;
        byte[] buffer;
        while ((buffer = free.poll()) == null) {
            Spin.idle(++spins);
            if ((spins & Spin.CHECK_MASK) == 0) {
                since = Spin.check(since, "a free buffer back from the consumer");
            }
        }
        System.arraycopy(source, 0, buffer, 0, payload);
        if (!filled.offer(buffer)) {
            throw new IllegalStateException("the filled queue has no room although a buffer was free");
        }
    }
}
