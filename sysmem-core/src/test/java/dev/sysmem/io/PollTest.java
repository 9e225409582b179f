package dev.sysmem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Poll} against the C {@code read_poll_timeout} contract: it returns the satisfying value,
 * times out with the last value read, reads once more after seeing the deadline pass, lets the
 * read's exceptions through unchanged, and always ends.
 */
class PollTest {

    private static final Duration SHORT = Duration.ofMillis(20);
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration EVERY_MS = Duration.ofMillis(1);

    @Test
    void returnsTheFirstValueThatSatisfiesTheCondition() throws InterruptedException {
        int[] values = {7, 5, 3, 0, 9};
        AtomicInteger reads = new AtomicInteger();
        int found = Poll.readPollTimeout(() -> values[reads.getAndIncrement()], v -> v < 4, Duration.ZERO, LONG);
        assertThat(found).isEqualTo(3);
        assertThat(reads).hasValue(3);
    }

    @Test
    void timesOutWithTheLastValueRead() {
        AtomicInteger reads = new AtomicInteger();
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> 0x100 + reads.incrementAndGet(), v -> v == 0, EVERY_MS, SHORT))
                .isInstanceOfSatisfying(PollTimeoutException.class, e -> {
                    assertThat(e.lastValue()).isEqualTo(0x100 + reads.get());
                    assertThat(e.reads()).isEqualTo(reads.get()).isGreaterThanOrEqualTo(2);
                    assertThat(e.getMessage())
                            .startsWith("poll timed out after PT0.02S and " + reads.get() + " reads")
                            .endsWith("last value read: 0x" + Integer.toHexString(0x100 + reads.get())
                                    + " (" + (0x100 + reads.get()) + ")");
                });
    }

    @Test
    void aReadDescheduledPastTheDeadlineIsFollowedByOneMoreRead() throws InterruptedException {
        // The first read starts before the deadline and returns after it with the device still busy;
        // by then the device is ready. The poll must look once more instead of reporting a timeout.
        Duration timeout = Duration.ofMillis(50);
        AtomicInteger reads = new AtomicInteger();
        Supplier<String> status = () -> {
            if (reads.incrementAndGet() == 1) {
                long readStart = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                        .until(() -> System.nanoTime() - readStart > timeout.toNanos());
                return "busy";
            }
            return "ready";
        };
        assertThat(Poll.readPollTimeout(status, "ready"::equals, EVERY_MS, timeout)).isEqualTo("ready");
        assertThat(reads).hasValue(2);
    }

    @Test
    void theReadThatEndsATimedOutPollHappensAfterTheDeadline() {
        AtomicLong lastReadAt = new AtomicLong();
        long before = System.nanoTime();
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> lastReadAt.getAndSet(System.nanoTime()), v -> false,
                Duration.ofMillis(5), SHORT))
                .isInstanceOf(PollTimeoutException.class);
        assertThat(lastReadAt.get() - before).isGreaterThanOrEqualTo(SHORT.toNanos());
    }

    @Test
    void aZeroTimeoutReadsTwice() {
        AtomicInteger reads = new AtomicInteger();
        assertThatThrownBy(() -> Poll.readPollTimeout(reads::incrementAndGet, v -> false, Duration.ZERO, Duration.ZERO))
                .isInstanceOfSatisfying(PollTimeoutException.class, e -> assertThat(e.reads()).isEqualTo(2));
        assertThat(reads).hasValue(2);
    }

    @Test
    void exceptionsFromTheReadAndTheConditionComeOutUnchangedAtOnce() {
        IllegalStateException deviceGone = new IllegalStateException("device gone");
        AtomicInteger reads = new AtomicInteger();
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> {
            if (reads.incrementAndGet() == 3) {
                throw deviceGone;
            }
            return 1;
        }, v -> v == 0, Duration.ZERO, LONG)).isSameAs(deviceGone);
        assertThat(reads).hasValue(3);

        ArithmeticException broken = new ArithmeticException("bad condition");
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> 1, v -> {
            throw broken;
        }, Duration.ZERO, LONG)).isSameAs(broken);
        assertThatThrownBy(() -> Poll.readPollAtomic(() -> {
            throw deviceGone;
        }, v -> true, Duration.ZERO, 5)).isSameAs(deviceGone);
    }

    @Test
    void aMemoryFaultFromAnIoReadPassesThrough() {
        SharedMemory shm = SharedMemory.anonymous(64);
        SysMem io = shm.io("status");
        shm.close();
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> io.read32(0), v -> v == 1, Duration.ZERO, LONG))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region 'status'");
    }

    @Test
    void readPollAtomicReadsRetriesPlusOneTimes() {
        AtomicInteger reads = new AtomicInteger();
        assertThatThrownBy(() -> Poll.readPollAtomic(reads::incrementAndGet, v -> false, Duration.ofNanos(100), 3))
                .isInstanceOfSatisfying(PollTimeoutException.class, e -> {
                    assertThat(e.reads()).isEqualTo(4);
                    assertThat(e.lastValue()).isEqualTo(4);
                    assertThat(e.getMessage()).startsWith("poll timed out after 3 retries and 4 reads");
                });
        assertThat(reads).hasValue(4);

        reads.set(0);
        assertThat(Poll.readPollAtomic(reads::incrementAndGet, v -> v == 3, Duration.ZERO, 3)).isEqualTo(3);
        reads.set(0);
        assertThatThrownBy(() -> Poll.readPollAtomic(reads::incrementAndGet, v -> false, Duration.ZERO, 0))
                .isInstanceOf(PollTimeoutException.class);
        assertThat(reads).hasValue(1);
    }

    @Test
    void negativeDurationsAndRetriesAreRefused() {
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> 1, v -> true, Duration.ofNanos(-1), LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sleep must not be negative, was PT-0.000000001S");
        assertThatThrownBy(() -> Poll.readPollTimeout(() -> 1, v -> true, Duration.ZERO, Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must not be negative, was PT-0.005S");
        assertThatThrownBy(() -> Poll.readPollAtomic(() -> 1, v -> true, Duration.ofMillis(-1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay must not be negative");
        assertThatThrownBy(() -> Poll.readPollAtomic(() -> 1, v -> true, Duration.ZERO, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retries must not be negative, was -1");
    }

    @Test
    void aHugeTimeoutDoesNotOverflow() throws InterruptedException {
        assertThat(Poll.readPollTimeout(() -> 5, v -> v == 5, Duration.ofSeconds(Long.MAX_VALUE),
                Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(5);
    }

    @Test
    void anInterruptEndsThePoll() {
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread poller = Thread.ofPlatform().name("poller").start(() -> {
            try {
                Poll.readPollTimeout(reads::incrementAndGet, v -> false, EVERY_MS, Duration.ofMinutes(10));
                outcome.set(new AssertionError("the poll returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() >= 3);
            poller.interrupt();
            await().atMost(Duration.ofSeconds(10)).until(() -> outcome.get() != null);
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class).hasMessageContaining("poll interrupted after");
        } finally {
            poller.interrupt();
        }
    }

    @Test
    void anInterruptBeforeThePollStartsEndsItAfterOneRead() {
        AtomicInteger reads = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Poll.readPollTimeout(reads::incrementAndGet, v -> false, EVERY_MS, LONG))
                    .isInstanceOf(InterruptedException.class);
            assertThat(reads).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void seesAValueAnotherThreadWritesLater() throws InterruptedException {
        try (SharedMemory shm = SharedMemory.anonymous(64)) {
            SysMem status = shm.io("status").withMode(AccessMode.ACQUIRE_RELEASE);
            AtomicInteger reads = new AtomicInteger();
            Thread device = Thread.ofPlatform().name("device-writer").start(() -> {
                // Write only once the driver is seen polling, so the poll really has to wait.
                await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() >= 5);
                status.write32(0x8, 0x8000_0001);
            });
            try {
                int value = Poll.readPollTimeout(() -> {
                    reads.incrementAndGet();
                    return status.read32(0x8);
                }, v -> v != 0, EVERY_MS, LONG);
                assertThat(value).isEqualTo(0x8000_0001);
                assertThat(reads.get()).isGreaterThanOrEqualTo(6);
            } finally {
                device.join(Duration.ofSeconds(10));
                assertThat(device.isAlive()).isFalse();
            }
        }
    }
}
