package dev.sysmem.sim;

import dev.sysmem.io.spi.Scheduling;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What a running {@link Device} gets from its {@link DeviceRunner}: its name, whether it should
 * stop, and waits that are bounded twice, by their own timeout and by a stop request.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Every wait here ends: at its timeout, when its condition holds, or as soon as the runner
 *       requests a stop (the runner unparks the device thread, so a stop never waits for a
 *       timeout to run out). A timeout of any length is safe; there is no "forever".</li>
 *   <li>Every wait throws {@link InterruptedException} if the thread is interrupted, clearing the
 *       interrupt status, as the JDK's blocking methods do; the runner only interrupts after a
 *       stop request, and an {@code InterruptedException} out of {@link Device#run} then counts
 *       as a clean stop.</li>
 *   <li>{@link #awaitRing} never misses a ring: it returns at once if the doorbell's count already
 *       differs from the one the caller saw, so "read the count, check for work, wait" has no
 *       window in which a ring is lost.</li>
 * </ul>
 * The waits are meant for the device's own thread; called from another thread they still end at
 * their timeout, but a stop request does not cut them short.
 *
 * <pre>{@code
 * public void run(DeviceContext context) throws InterruptedException {
 *     while (!context.isStopping()) {
 *         long seen = doorbell.count();
 *         if (hasWork()) { doWork(); continue; }
 *         context.awaitRing(doorbell, seen, Duration.ofSeconds(1));
 *     }
 * }
 * }</pre>
 */
public final class DeviceContext {

    /** The longest a {@link #pollUntil} sleeps between two checks: bounds the added latency. */
    public static final Duration MAX_POLL_BACKOFF = Duration.ofMillis(1);

    private static final int SPINS_BEFORE_PARKING = 64;
    private static final long FIRST_PARK_NANOS = 1_000;

    private final String deviceName;
    private volatile boolean stopping;
    private volatile boolean removed;
    private volatile Thread thread;

    DeviceContext(String deviceName) {
        this.deviceName = deviceName;
    }

    void bind(Thread deviceThread) {
        this.thread = deviceThread;
    }

    void requestStop() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The name of the device this context runs. */
    public String deviceName() {
        return deviceName;
    }

    /** Whether the runner has asked the device to stop; the loop should return soon after. */
    public boolean isStopping() {
        return stopping;
    }

    /**
     * Records that the device was surprise-removed (its memory is gone): once its loop has
     * returned, {@link DeviceRunner#health(String)} reports {@link DeviceGoneException.Reason#REMOVED}
     * rather than an ordinary end, so a driver can tell the two apart.
     */
    public void markRemoved() {
        removed = true;
    }

    /** Whether the device said it was removed ({@link #markRemoved()}). */
    public boolean isRemoved() {
        return removed;
    }

    /**
     * Waits until {@code doorbell} has rung since the caller saw {@code seenCount} (its
     * {@link Doorbell#count()} differs), a stop is requested, or {@code timeout} passes.
     *
     * @return the doorbell's count when the wait ended; equal to {@code seenCount} if it has not
     *         rung (timeout or stop)
     * @throws InterruptedException if the thread was interrupted
     */
    public long awaitRing(Doorbell doorbell, long seenCount, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(doorbell, "doorbell");
        if (Scheduling.isManaged()) {
            // Explored: the scheduler evaluates the wake condition and owns the clock.
            Scheduling.await(() -> doorbell.count() != seenCount || stopping, nanos(timeout),
                    "doorbell '" + doorbell.name() + "'");
            return doorbell.count();
        }
        long deadline = deadline(timeout);
        Thread self = Thread.currentThread();
        // Register before checking the count: a ring after the check then finds us and unparks us.
        doorbell.addWaiter(self);
        try {
            while (true) {
                long count = doorbell.count();
                long remaining = deadline - System.nanoTime();
                if (count != seenCount || stopping || remaining <= 0) {
                    return count;
                }
                LockSupport.parkNanos(doorbell, remaining);
                throwIfInterrupted("waiting for doorbell '" + doorbell.name() + "'");
            }
        } finally {
            doorbell.removeWaiter(self);
        }
    }

    /**
     * Sleeps for {@code duration}, or less if a stop is requested: the device-side delay (a DMA
     * that takes time, jitter between writes).
     *
     * @return true if the whole duration passed, false if a stop request cut it short
     * @throws InterruptedException if the thread was interrupted
     */
    public boolean pause(Duration duration) throws InterruptedException {
        long deadline = deadline(duration);
        while (!stopping) {
            long remaining = deadline - Scheduling.nanoTime();
            if (remaining <= 0) {
                return true;
            }
            Scheduling.sleep(this, remaining, "device pause");
            throwIfInterrupted("pausing");
        }
        return false;
    }

    /**
     * Checks {@code condition} until it holds, with a backoff that starts by spinning and grows to
     * {@link #MAX_POLL_BACKOFF} between checks: how a device notices a doorbell word in shared
     * memory that nothing traps (another process or a QEMU guest wrote it).
     *
     * @return true as soon as the condition holds; false if {@code timeout} passed or a stop was
     *         requested first
     * @throws InterruptedException if the thread was interrupted
     */
    public boolean pollUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(condition, "condition");
        long deadline = deadline(timeout);
        long park = FIRST_PARK_NANOS;
        long maxPark = MAX_POLL_BACKOFF.toNanos();
        for (int round = 0; ; round++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long remaining = deadline - Scheduling.nanoTime();
            if (stopping || remaining <= 0) {
                return false;
            }
            if (round < SPINS_BEFORE_PARKING) {
                Scheduling.spinWait("device poll");
            } else {
                Scheduling.sleep(this, Math.min(park, remaining), "device poll backoff");
                throwIfInterrupted("polling");
                park = Math.min(maxPark, park * 2);
            }
        }
    }

    private void throwIfInterrupted(String what) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("device '" + deviceName + "' interrupted while " + what);
        }
    }

    static long deadline(Duration timeout) {
        return Scheduling.nanoTime() + nanos(timeout);
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 4;
        }
        return Math.min(nanos, Long.MAX_VALUE / 4);
    }

    @Override
    public String toString() {
        return "DeviceContext[" + deviceName + (stopping ? ", stopping" : "") + "]";
    }
}
