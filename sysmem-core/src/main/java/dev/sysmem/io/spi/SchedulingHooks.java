package dev.sysmem.io.spi;

import dev.sysmem.io.Width;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * What a controlled scheduler (the race explorer) is told by sysmem's own waiting, locking,
 * fencing and thread-starting code, so that time and waiting become scheduling decisions while it
 * explores. Installed with {@link Scheduling#install}; every method is called on the thread that
 * waits, locks, fences or starts, and an implementation must behave exactly like the real thing
 * (the system clock, a real park, a real lock, a real fence) for threads it does not manage.
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

    /**
     * A scheduling point for an event other threads may react to ({@code what}: "ring",
     * "irq raise", ...) on the object named {@code subject}.
     */
    default void event(String what, String subject) {
        point(what + " " + subject);
    }

    /** Whether the current thread is one the scheduler runs (only then may {@link #await} be called). */
    boolean isManaged();

    /**
     * Blocks the current, managed, thread until {@code condition} holds or {@code timeoutNanos} of
     * its clock pass: the scheduler does not run it meanwhile and evaluates {@code condition}
     * itself, possibly on another thread, so the condition must read plain Java state only (never
     * memory the scheduler intercepts) and must not block.
     *
     * @return whether the condition held when the thread resumed
     */
    boolean await(BooleanSupplier condition, long timeoutNanos, String reason) throws InterruptedException;

    /**
     * The body for a new thread called {@code name}, created now by the current thread: if the
     * current thread is managed, the new thread becomes managed too (registered now, so the order
     * of registration does not depend on the operating system) and the returned body waits for its
     * first turn; otherwise {@code body} itself.
     */
    Runnable threadBody(String name, Runnable body);

    /**
     * Waits up to {@code nanos} for {@code thread} to end; for a managed caller and a managed
     * thread a blocking wait the scheduler knows about.
     *
     * @return whether the thread has ended
     */
    boolean join(Thread thread, long nanos) throws InterruptedException;

    /** Acquires {@code lock}; for a managed thread, blocked (not parked out of sight) while another holds it. */
    void lock(ReentrantLock lock);

    /**
     * The current thread has just made an access to a trapped register region (a device model's
     * registers, not memory): {@code value} was read or written. A scheduling point after the
     * access, recorded in traces.
     */
    void registerAccess(String region, long offset, Width width, boolean write, long value);
}
