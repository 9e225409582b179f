package dev.sysmem.bench.roundtrip;

import dev.sysmem.bench.BackgroundLoop;
import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.Spin;
import dev.sysmem.io.SharedMemory;
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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The floor of a doorbell round trip: two threads and two 32-bit words in shared memory, nothing
 * else. The driver (the measured thread) stores a new sequence number to the doorbell word with
 * release and spins until the status word, read with acquire, holds it; the echo thread spins on
 * the doorbell and stores each new value to the status word with release. Both words are
 * {@link DoorbellLayout#STATUS} bytes apart, on different cache-line pairs.
 *
 * <p>No abstraction can make this cheaper: it is the cost of two cache-line transfers between
 * cores. Every other round-trip benchmark is divided by it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class VarHandlePingPong {

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private SharedMemory memory;
    private MemorySegment segment;
    private BackgroundLoop echo;
    private long doorbell = DoorbellLayout.DOORBELL;
    private long status = DoorbellLayout.STATUS;
    private int sequence;

    @Setup(Level.Trial)
    public void start() {
        memory = SharedMemory.anonymous(DoorbellLayout.SIZE);
        segment = memory.segment();
        MemorySegment shared = segment;
        long bell = doorbell;
        long answer = status;
        echo = BackgroundLoop.start("echo", loop -> {
            int seen = 0;
            long idle = 0;
            while (!loop.stopping()) {
                int rung = (int) U32.getAcquire(shared, bell);
                if (rung != seen) {
                    seen = rung;
                    U32.setRelease(shared, answer, rung);
                    idle = 0;
                } else {
                    Spin.idle(++idle);
                }
            }
        });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        echo.close();
        memory.close();
    }

    @Benchmark
    public int roundTrip() {
        int expected = ++sequence;
        U32.setRelease(segment, doorbell, expected);
        long spins = 0;
        long since = 0;
        int seen;
        while ((seen = (int) U32.getAcquire(segment, status)) != expected) {
            Spin.idle(++spins);
            if ((spins & Spin.CHECK_MASK) == 0) {
                since = Spin.check(since, "the echo of doorbell " + expected);
            }
        }
        return seen;
    }
}
