package dev.sysmem.io.spi;

import dev.sysmem.io.Width;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The one place where sysmem's waiting, timing and fencing code asks whether a controlled
 * scheduler is installed. With none installed (the normal case) every method is the plain JDK
 * operation after one read of a static field, so the unexplored paths keep their cost.
 *
 * <p>Only one set of hooks is installed at a time; the hooks themselves tell managed threads from
 * the others, so threads that are not being explored keep real time and real waits.
 */
public final class Scheduling {

    private static volatile SchedulingHooks installed;

    private Scheduling() {
    }

    /**
     * Installs {@code hooks}.
     *
     * @throws IllegalStateException if other hooks are installed
     */
    public static synchronized void install(SchedulingHooks hooks) {
        Objects.requireNonNull(hooks, "hooks");
        if (installed != null && installed != hooks) {
            throw new IllegalStateException("scheduling hooks already installed: " + installed);
        }
        installed = hooks;
    }

    /** Removes {@code hooks} if they are the installed ones. */
    public static synchronized void uninstall(SchedulingHooks hooks) {
        if (installed == hooks) {
            installed = null;
        }
    }

    /** Tells the installed hooks, if any, that the current thread is about to execute {@code fence}. */
    public static void fence(Fence fence) {
        SchedulingHooks hooks = installed;
        if (hooks != null) {
            hooks.fence(fence);
        }
    }

    /** {@link System#nanoTime()}, or the scheduler's virtual clock for a managed thread. */
    public static long nanoTime() {
        SchedulingHooks hooks = installed;
        return hooks == null ? System.nanoTime() : hooks.nanoTime();
    }

    /**
     * Parks the current thread up to {@code nanos} (it may return early, as
     * {@link LockSupport#parkNanos(Object, long)} does), or hands the wait to the scheduler for a
     * managed thread.
     */
    public static void sleep(Object blocker, long nanos, String reason) throws InterruptedException {
        SchedulingHooks hooks = installed;
        if (hooks == null) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            hooks.sleep(nanos, reason);
        }
    }

    /** {@link Thread#onSpinWait()}, or a scheduling point for a managed thread. */
    public static void spinWait(String reason) {
        SchedulingHooks hooks = installed;
        if (hooks == null) {
            Thread.onSpinWait();
        } else {
            hooks.spinWait(reason);
        }
    }

    /** An explicit scheduling point; does nothing unless a scheduler manages the current thread. */
    public static void point(String label) {
        SchedulingHooks hooks = installed;
        if (hooks != null) {
            hooks.point(label);
        }
    }

    /** A scheduling point for an event ({@code what}) on {@code subject}; nothing unless managed. */
    public static void event(String what, String subject) {
        SchedulingHooks hooks = installed;
        if (hooks != null) {
            hooks.event(what, subject);
        }
    }

    /** Whether a controlled scheduler runs the current thread. */
    public static boolean isManaged() {
        SchedulingHooks hooks = installed;
        return hooks != null && hooks.isManaged();
    }

    /**
     * For a managed thread only (see {@link #isManaged()}): blocks until {@code condition} holds or
     * {@code timeoutNanos} of virtual time pass; see {@link SchedulingHooks#await}.
     *
     * @return whether the condition held when the thread resumed
     * @throws IllegalStateException if the current thread is not managed
     */
    public static boolean await(BooleanSupplier condition, long timeoutNanos, String reason) throws InterruptedException {
        SchedulingHooks hooks = installed;
        if (hooks == null || !hooks.isManaged()) {
            throw new IllegalStateException("thread '" + Thread.currentThread().getName()
                    + "' is not run by a controlled scheduler; it cannot wait for " + reason + " through one");
        }
        return hooks.await(condition, timeoutNanos, reason);
    }

    /**
     * The body to give a new thread named {@code name}: {@code body} itself normally; a body the
     * scheduler controls when a managed thread creates it (see {@link SchedulingHooks#threadBody}).
     */
    public static Runnable threadBody(String name, Runnable body) {
        SchedulingHooks hooks = installed;
        return hooks == null ? body : hooks.threadBody(name, body);
    }

    /** {@link Thread#join(Duration)}, or a wait the scheduler controls for a managed caller. */
    public static boolean join(Thread thread, Duration timeout) throws InterruptedException {
        SchedulingHooks hooks = installed;
        if (hooks == null) {
            return thread.join(timeout);
        }
        return hooks.join(thread, timeout.toNanos());
    }

    /** {@link ReentrantLock#lock()}, or an acquisition the scheduler sees block for a managed thread. */
    public static void lock(ReentrantLock lock) {
        SchedulingHooks hooks = installed;
        if (hooks == null) {
            lock.lock();
        } else {
            hooks.lock(lock);
        }
    }

    /** Reports a trapped register access just made (a scheduling point for a managed thread). */
    public static void registerAccess(String region, long offset, Width width, boolean write, long value) {
        SchedulingHooks hooks = installed;
        if (hooks != null) {
            hooks.registerAccess(region, offset, width, write, value);
        }
    }
}
