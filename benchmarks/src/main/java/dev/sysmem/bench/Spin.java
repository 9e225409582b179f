package dev.sysmem.bench;

import java.time.Duration;

/**
 * How every busy-wait in these benchmarks waits, the same for every contender: it spins with
 * {@link Thread#onSpinWait()}, yields the core after {@link #SPINS_BEFORE_YIELD} fruitless spins,
 * and carries a deadline, so that a peer that died or a lost message fails the benchmark instead
 * of hanging it.
 *
 * <p>The yield matters only when the machine has fewer free cores than spinning threads (a
 * shared 2-core machine under load): a spinning thread then holds the core its peer needs, and
 * without the yield a round trip would cost a scheduler time slice. An answer that comes within
 * {@link #SPINS_BEFORE_YIELD} spins, the normal case on an idle machine, never reaches it. The
 * clock is read only once every {@link #CHECK_EVERY} spins, so it never lands on the measured
 * fast path.
 *
 * <pre>{@code
 * long spins = 0, since = 0;
 * while ((int) STATUS.getAcquire(segment, 64L) != sequence) {
 *     Spin.idle(++spins);
 *     if ((spins & Spin.CHECK_MASK) == 0) since = Spin.check(since, "status");
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

    /** Spins without progress after which a wait yields its core at every further spin. */
    public static final long SPINS_BEFORE_YIELD = 1 << 10;

    private Spin() {
    }

    /** One spin of a wait that has gone {@code spins} spins without progress. */
    public static void idle(long spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
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
