package dev.sysmem.io.spi;

/**
 * What a controlled scheduler (the race explorer) is told by sysmem's own waiting and fencing
 * code, so that time and waiting become scheduling decisions while it explores. Installed with
 * {@link Scheduling#install}; every method is called on the thread that waits or fences, and an
 * implementation must behave exactly like the real thing (the system clock, a real park, a real
 * fence) for threads it does not manage.
 */
public interface SchedulingHooks {

    /** The current thread is about to execute {@code fence} (the fence itself follows the call). */
    void fence(Fence fence);

    /** The current thread's clock, in nanoseconds: virtual time for a managed thread. */
    long nanoTime();

    /**
     * The current thread waits up to {@code nanos} for something another thread does
     * ({@code reason} says what, for a trace); it may return early. For a managed thread this is a
     * scheduling point that may advance virtual time.
     */
    void sleep(long nanos, String reason) throws InterruptedException;

    /** The current thread spins once waiting for another thread; {@code reason} says for what. */
    void spinWait(String reason);

    /** An explicit scheduling point in user or device code; {@code label} appears in traces. */
    void point(String label);
}
