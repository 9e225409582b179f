package dev.sysmem.bench.ring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The virtqueue allocates nothing per buffer: the driver thread adding, kicking (batched) and
 * harvesting, the device thread consuming and copying out. Counted with the JVM's per-thread
 * allocation counters ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), the same
 * counters JMH's {@code gc} profiler sums, but over these two threads only and a fixed number of
 * buffers: JMH's {@code gc.alloc.rate.norm} over {@link VirtqueueAllocation} counts every thread
 * and divides JMH's own bookkeeping by however many operations an iteration managed, so on this
 * loaded machine it read 1.4 to 27 B/op for the same code from one iteration to the next.
 *
 * <p>The control adds to every buffer the one allocation the driver's chain check used to make,
 * its error message: it must read at least 40 bytes per buffer here, so the counters can see what
 * this test forbids. With the old chain check, the subject read 80 bytes per buffer.
 */
class VirtqueueAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Buffers sent before counting, so that the step is compiled as a long-running driver's is. */
    private static final int WARM_UP = 100_000;

    private static final int COUNTED = 50_000;

    @ParameterizedTest(name = "IN_ORDER {0}")
    @ValueSource(booleans = {false, true})
    void aBufferThroughTheVirtqueueAllocatesNothing(boolean inOrder) {
        assertThat(bytesPerBuffer(false, inOrder)).isLessThan(1.0);
    }

    @Test
    void theControlShowsThatThePerBufferMessageWouldBeSeen() {
        assertThat(bytesPerBuffer(true, false)).isGreaterThanOrEqualTo(40.0);
    }

    private static double bytesPerBuffer(boolean withMessage, boolean inOrder) {
        try (VirtqueueProducer producer = new VirtqueueProducer(64, inOrder)) {
            producer.startPollingDevice();
            Thread device = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("device-" + VirtqueueProducer.POLLING_DEVICE)).findFirst()
                    .orElseThrow(() -> new AssertionError("no thread device-" + VirtqueueProducer.POLLING_DEVICE));
            long[] threads = {Thread.currentThread().threadId(), device.threadId()};
            long sink = 0;
            for (int i = 0; i < WARM_UP; i++) {
                sink += send(producer, withMessage, i);
            }
            // Nothing but the sends between the two readings: an assertion's first use would load
            // classes and allocate on this thread inside the window.
            long[] before = THREADS.getThreadAllocatedBytes(threads);
            for (int i = 0; i < COUNTED; i++) {
                sink += send(producer, withMessage, i);
            }
            long[] after = THREADS.getThreadAllocatedBytes(threads);
            assertThat(sink).isNotNegative();
            assertThat(before).as("allocation counters of the driver and device threads").doesNotContain(-1L);
            return (double) (after[0] - before[0] + after[1] - before[1]) / COUNTED;
        }
    }

    private static int send(VirtqueueProducer producer, boolean withMessage, int i) {
        producer.sendBatched(VirtqueueThroughput.KICK_BATCH);
        return withMessage ? ("buffer 0 (readable, addr 0x" + Long.toHexString(i) + ", len 64)").length() : 0;
    }
}
