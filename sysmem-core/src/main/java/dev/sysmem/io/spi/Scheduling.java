package dev.sysmem.io.spi;

import dev.sysmem.io.Width;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The one place where sysmem's waiting, timing and fencing code asks whether a controlled
 * scheduler is installed. With none installed (the normal case) every method is the plain JDK
 * operation, so the unexplored paths keep their cost.
 *
 * <p><b>Why a call site.</b> The question "are hooks installed?" is asked through a
 * {@link MutableCallSite} whose target, until hooks are installed for the first time, is the
 * constant {@code null}: the JIT inlines that constant and drops the hook branch altogether (no
 * load, no compare, nothing standing between two fences it would merge). A volatile field read
 * here cost about 0.2 ns per call and kept C2 from merging adjacent full fences (see the
 * benchmarks' {@code hooks} set). The first {@link #install} points the call site at the
 * volatile field and leaves it there: that deoptimises the compiled callers once per JVM (not at
 * every exploration, which would soon make HotSpot give up compiling them), and from then on this
 * JVM, one that explores, pays the field read.
 *
 * <p>Only one set of hooks is installed at a time; the hooks themselves tell managed threads from
 * the others, so threads that are not being explored keep real time and real waits.
 */
public final class Scheduling {

    private static volatile SchedulingHooks installed;

    /** Returns null until hooks were installed once; then the {@link #installed} field. */
    private static final MutableCallSite SITE =
            new MutableCallSite(MethodHandles.constant(SchedulingHooks.class, null));
    private static final MethodHandle CURRENT = SITE.dynamicInvoker();
    private static boolean switched;

    /** The installed hooks, or null: a constant the JIT folds until the first install. */
    private static SchedulingHooks hooks() {
        try {
            return (SchedulingHooks) CURRENT.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("the scheduling call site failed", e);
        }
    }

    private static void readFieldFromNowOn() {
        if (switched) {
            return;
        }
        try {
            SITE.setTarget(MethodHandles.lookup().findStaticGetter(Scheduling.class, "installed", SchedulingHooks.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read Scheduling.installed", e);
        }
        MutableCallSite.syncAll(new MutableCallSite[] {SITE});
        switched = true;
    }

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
        readFieldFromNowOn();
    }

    /** Removes {@code hooks} if they are the installed ones. */
    public static synchronized void uninstall(SchedulingHooks hooks) {
        if (installed == hooks) {
            installed = null;
        }
    }

    /** Tells the installed hooks, if any, that the current thread is about to execute {@code fence}. */
    public static void fence(Fence fence) {
        SchedulingHooks hooks = hooks();
        if (hooks != null) {
            hooks.fence(fence);
        }
    }

    /** {@link System#nanoTime()}, or the scheduler's virtual clock for a managed thread. */
    public static long nanoTime() {
        SchedulingHooks hooks = hooks();
        return hooks == null ? System.nanoTime() : hooks.nanoTime();
    }

    /**
     * Parks the current thread up to {@code nanos} (it may return early, as
     * {@link LockSupport#parkNanos(Object, long)} does), or hands the wait to the scheduler for a
     * managed thread.
     */
    public static void sleep(Object blocker, long nanos, String reason) throws InterruptedException {
        SchedulingHooks hooks = hooks();
        if (hooks == null) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            hooks.sleep(nanos, reason);
        }
    }

    /** {@link Thread#onSpinWait()}, or a scheduling point for a managed thread. */
    public static void spinWait(String reason) {
        SchedulingHooks hooks = hooks();
        if (hooks == null) {
            Thread.onSpinWait();
        } else {
            hooks.spinWait(reason);
        }
    }

    /** An explicit scheduling point; does nothing unless a scheduler manages the current thread. */
    public static void point(String label) {
        SchedulingHooks hooks = hooks();
        if (hooks != null) {
            hooks.point(label);
        }
    }

    /** A scheduling point for an event ({@code what}) on {@code subject}; nothing unless managed. */
    public static void event(String what, String subject) {
        SchedulingHooks hooks = hooks();
        if (hooks != null) {
            hooks.event(what, subject);
        }
    }

    /** Whether a controlled scheduler runs the current thread. */
    public static boolean isManaged() {
        SchedulingHooks hooks = hooks();
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
        SchedulingHooks hooks = hooks();
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
        SchedulingHooks hooks = hooks();
        return hooks == null ? body : hooks.threadBody(name, body);
    }

    /** {@link Thread#join(Duration)}, or a wait the scheduler controls for a managed caller. */
    public static boolean join(Thread thread, Duration timeout) throws InterruptedException {
        SchedulingHooks hooks = hooks();
        if (hooks == null) {
            return thread.join(timeout);
        }
        return hooks.join(thread, timeout.toNanos());
    }

    /** {@link ReentrantLock#lock()}, or an acquisition the scheduler sees block for a managed thread. */
    public static void lock(ReentrantLock lock) {
        SchedulingHooks hooks = hooks();
        if (hooks == null) {
            lock.lock();
        } else {
            hooks.lock(lock);
        }
    }

    /** Reports a trapped register access just made (a scheduling point for a managed thread). */
    public static void registerAccess(String region, long offset, Width width, boolean write, long value) {
        SchedulingHooks hooks = hooks();
        if (hooks != null) {
            hooks.registerAccess(region, offset, width, write, value);
        }
    }
}
