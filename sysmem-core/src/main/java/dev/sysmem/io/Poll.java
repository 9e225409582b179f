package dev.sysmem.io;

import dev.sysmem.io.spi.Scheduling;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reading a register until a condition holds, with a deadline: the counterpart of the kernel's
 * {@code read_poll_timeout} and {@code read_poll_timeout_atomic}.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Every poll ends: {@link #readPollTimeout} at its deadline, {@link #readPollAtomic} after
 *       its retry count. There is no "wait forever" value; a zero timeout checks once more after
 *       the first failed read and gives up.</li>
 *   <li>{@link #readPollTimeout} reads at least once after it has seen the deadline pass, as the
 *       C {@code poll_timeout_us} does, so a poller that was descheduled past its deadline does
 *       not report a timeout for a condition that holds by then.</li>
 *   <li>On success it returns the value that satisfied the condition. On timeout it throws
 *       {@link PollTimeoutException} carrying the last value read. Exceptions thrown by the read or
 *       the condition come out unchanged, at once.</li>
 * </ul>
 *
 * <pre>{@code
 * // wait until the device clears STATUS.BUSY (bit 0), checking every 10 µs, for at most 5 ms
 * int status = Poll.readPollTimeout(() -> io.read32(STATUS), s -> (s & 1) == 0,
 *         Duration.ofNanos(10_000), Duration.ofMillis(5));
 * }</pre>
 */
public final class Poll {

    private Poll() {
    }

    /**
     * Calls {@code read} until {@code condition} holds for its value, sleeping {@code sleep}
     * between reads (spinning with {@link Thread#onSpinWait()} if it is zero), and gives up once
     * {@code timeout} has passed and one more read failed the condition.
     *
     * @return the value for which the condition held
     * @throws PollTimeoutException if it never held; {@link PollTimeoutException#lastValue()} is the last read
     * @throws InterruptedException if the thread is interrupted while polling
     * @throws IllegalArgumentException if {@code sleep} or {@code timeout} is negative
     */
    public static <T> T readPollTimeout(Supplier<? extends T> read, Predicate<? super T> condition,
                                        Duration sleep, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(condition, "condition");
        long sleepNanos = nonNegativeNanos(sleep, "sleep");
        long timeoutNanos = nonNegativeNanos(timeout, "timeout");
        long start = Scheduling.nanoTime();
        long reads = 0;
        while (true) {
            // Look at the clock before reading, so that the read that ends a timed-out poll
            // happened after the deadline was seen to pass. The first read never ends a poll:
            // even a zero timeout reads twice.
            boolean expired = reads > 0 && Scheduling.nanoTime() - start >= timeoutNanos;
            T value = read.get();
            reads++;
            if (condition.test(value)) {
                return value;
            }
            if (expired) {
                throw PollTimeoutException.afterDeadline(timeout, value, reads);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("poll interrupted after " + reads + " reads");
            }
            if (sleepNanos > 0) {
                long remaining = timeoutNanos - (Scheduling.nanoTime() - start);
                Scheduling.sleep(Poll.class, Math.max(1, Math.min(sleepNanos, remaining + 1)), "poll sleep");
            } else {
                Scheduling.spinWait("poll");
            }
        }
    }

    /**
     * Calls {@code read} up to {@code retries + 1} times until {@code condition} holds, busy-waiting
     * {@code delay} between reads (never sleeping, like {@code udelay}), for contexts that must not
     * give up the CPU. Its bound is the retry count, not the clock.
     *
     * @return the value for which the condition held
     * @throws PollTimeoutException after the last retry failed
     * @throws IllegalArgumentException if {@code delay} or {@code retries} is negative
     */
    public static <T> T readPollAtomic(Supplier<? extends T> read, Predicate<? super T> condition,
                                       Duration delay, long retries) {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(condition, "condition");
        long delayNanos = nonNegativeNanos(delay, "delay");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, was " + retries);
        }
        for (long attempt = 0; ; attempt++) {
            T value = read.get();
            if (condition.test(value)) {
                return value;
            }
            if (attempt == retries) {
                throw new PollTimeoutException(retries + " retries", value, attempt + 1);
            }
            long until = Scheduling.nanoTime() + delayNanos;
            do {
                Scheduling.spinWait("atomic poll delay");
            } while (Scheduling.nanoTime() - until < 0);
        }
    }

    private static long nonNegativeNanos(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + duration);
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
