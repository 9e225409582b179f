package dev.sysmem.bench;

import java.time.Duration;

/**
 * The deadline every busy-wait in these benchmarks carries, so that a peer that died or a lost
 * message fails the benchmark instead of hanging it. The clock is read only once every
 * {@link #CHECK_EVERY} spins, so the wait costs the same few instructions per spin in every
 * contender and the clock never lands on the measured fast path.
 *
 * <pre>{@code
 * long spins = 0, since = 0;
 * while ((int) STATUS.getAcquire(segment, 64L) != sequence) {
 *     Thread.onSpinWait();
 *     if ((++spins & Spin.CHECK_MASK) == 0) since = Spin.check(since, "status");
 * }
 * }</pre>
 */
public final class Spin {

    /** How long a wait may spin before it fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Spins between two looks at the clock. */
    public static final int CHECK_EVERY = 1 << 16;

    /** {@code (spins & CHECK_MASK) == 0} once every {@link #CHECK_EVERY} spins. */
    public static final long CHECK_MASK = CHECK_EVERY - 1;

    private Spin() {
    }

    /**
     * Called every {@link #CHECK_EVERY} spins with the time of the first call (0 before it):
     * returns that time, or throws if the wait has lasted longer than {@link #TIMEOUT}.
     *
     * @throws IllegalStateException naming {@code what} was awaited, once the deadline passed
     */
    public static long check(long since, String what) {
        long now = System.nanoTime();
        if (since == 0) {
            return now;
        }
        if (now - since > TIMEOUT.toNanos()) {
            throw new IllegalStateException("waited more than " + TIMEOUT.toSeconds() + " s for " + what
                    + "; the other side stopped answering");
        }
        return since;
    }
}
