package dev.sysmem.bench.roundtrip;

import dev.sysmem.bench.BackgroundLoop;
import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.Spin;
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

import java.util.concurrent.Exchanger;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The round trip through the JDK's hand-off primitives, the peers a user reaches for when one
 * thread must wait for another's answer: a {@link SynchronousQueue} each way, or an
 * {@link Exchanger} exchanged twice (request in, answer back). The echo thread answers with the
 * object it received. Boxes are made up front, so no allocation lands in the round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class HandOffPingPong {

    private static final long WAIT = Spin.TIMEOUT.toNanos();
    private static final long RECHECK_STOP = TimeUnit.MILLISECONDS.toNanos(100);

    /** Requests made up front, so that no boxing allocation lands in the round trip. */
    private static Integer[] boxes() {
        Integer[] boxes = new Integer[256];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = i + 1000;
        }
        return boxes;
    }

    /** A {@link SynchronousQueue} each way and the thread that echoes through them. */
    @State(Scope.Thread)
    public static class Queues {
        final Integer[] boxes = boxes();
        final SynchronousQueue<Integer> requests = new SynchronousQueue<>();
        final SynchronousQueue<Integer> replies = new SynchronousQueue<>();
        int sequence;
        private BackgroundLoop echo;

        @Setup(Level.Trial)
        public void start() {
            echo = BackgroundLoop.start("queue-echo", loop -> {
                while (!loop.stopping()) {
                    Integer request = requests.poll(RECHECK_STOP, TimeUnit.NANOSECONDS);
                    if (request != null && !replies.offer(request, WAIT, TimeUnit.NANOSECONDS)) {
                        throw new IllegalStateException("the driver did not take reply " + request);
                    }
                }
            });
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            echo.close();
        }
    }

    /** An {@link Exchanger} and the thread that echoes through it. */
    @State(Scope.Thread)
    public static class Exchange {
        final Integer[] boxes = boxes();
        final Exchanger<Integer> exchanger = new Exchanger<>();
        int sequence;
        private BackgroundLoop echo;

        @Setup(Level.Trial)
        public void start() {
            echo = BackgroundLoop.start("exchange-echo", loop -> {
                while (!loop.stopping()) {
                    Integer request;
                    try {
                        request = exchanger.exchange(null, RECHECK_STOP, TimeUnit.NANOSECONDS);
                    } catch (TimeoutException idle) {
                        continue;
                    }
                    exchanger.exchange(request, WAIT, TimeUnit.NANOSECONDS);
                }
            });
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            echo.close();
        }
    }

    @Benchmark
    public Integer synchronousQueue(Queues q) throws InterruptedException {
        Integer request = q.boxes[++q.sequence & 0xff];
        if (!q.requests.offer(request, WAIT, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("the echo thread did not take request " + request);
        }
        Integer reply = q.replies.poll(WAIT, TimeUnit.NANOSECONDS);
        if (reply != request) {
            throw new IllegalStateException("request " + request + " was answered with " + reply);
        }
        return reply;
    }

    @Benchmark
    public Integer exchanger(Exchange e) throws InterruptedException, TimeoutException {
        Integer request = e.boxes[++e.sequence & 0xff];
        e.exchanger.exchange(request, WAIT, TimeUnit.NANOSECONDS);
        Integer reply = e.exchanger.exchange(null, WAIT, TimeUnit.NANOSECONDS);
        if (reply != request) {
            throw new IllegalStateException("request " + request + " was answered with " + reply);
        }
        return reply;
    }
}
