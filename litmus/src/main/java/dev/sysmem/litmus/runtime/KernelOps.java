package dev.sysmem.litmus.runtime;

import dev.sysmem.io.Barriers;
import dev.sysmem.io.SysMem;

/**
 * The kernel primitives of litmus tests, each as the SysMem calls that implement it: what
 * translated litmus tests call. {@code dev.sysmem.litmus.KernelPrimitive} lists which kernel name
 * maps to which method here and why the mapping is at least as strong as the Linux-kernel memory
 * model's primitive; this class is that table's code.
 *
 * <p><b>Guarantees.</b> Every access goes through the {@link SysMem} views of a
 * {@link LitmusMemory}, every fence through {@link Barriers}, so a litmus run checks sysmem's own
 * access path. Every wait ({@link #spinLock}) has a deadline.
 */
public final class KernelOps {

    /** How long {@link #spinLock} spins before it gives up: far beyond any critical section of a litmus test. */
    public static final long LOCK_DEADLINE_NANOS = 10_000_000_000L;

    private KernelOps() {
    }

    /** {@code READ_ONCE(*x)}: getOpaque. */
    public static int readOnce(LitmusMemory m, long x) {
        return m.opaque().read32(x);
    }

    /** {@code WRITE_ONCE(*x, v)}: setOpaque. */
    public static void writeOnce(LitmusMemory m, long x, int v) {
        m.opaque().write32(x, v);
    }

    /** {@code smp_load_acquire(x)}: getAcquire. */
    public static int loadAcquire(LitmusMemory m, long x) {
        return m.acquireRelease().read32(x);
    }

    /** {@code smp_store_release(x, v)}: setRelease. */
    public static void storeRelease(LitmusMemory m, long x, int v) {
        m.acquireRelease().write32(x, v);
    }

    /** {@code smp_store_mb(x, v)}: setOpaque, then a full fence. */
    public static void storeMb(LitmusMemory m, long x, int v) {
        m.opaque().write32(x, v);
        Barriers.mb();
    }

    /** {@code smp_mb()}, {@code smp_mb__before_atomic()}, {@code smp_mb__after_atomic()}, {@code barrier()}: fullFence. */
    public static void mb() {
        Barriers.mb();
    }

    /** {@code smp_rmb()}: loadLoadFence. */
    public static void rmb() {
        Barriers.rmb();
    }

    /** {@code smp_wmb()}: storeStoreFence. */
    public static void wmb() {
        Barriers.wmb();
    }

    /** {@code xchg*(x, v)}, {@code atomic_xchg*(x, v)}: getAndSet32. */
    public static int xchg(LitmusMemory m, RmwOrdering o, long x, int v) {
        o.before();
        int old = m.opaque().getAndSet32(x, v);
        o.after();
        return old;
    }

    /** {@code cmpxchg*(x, expected, v)}, {@code atomic_cmpxchg*}: compareAndExchange32; returns the value found. */
    public static int cmpxchg(LitmusMemory m, RmwOrdering o, long x, int expected, int v) {
        o.before();
        int found = m.opaque().compareAndExchange32(x, expected, v);
        o.after();
        return found;
    }

    /** {@code atomic_fetch_add*(i, v)} and friends: getAndAdd32; returns the old value. */
    public static int fetchAdd(LitmusMemory m, RmwOrdering o, long x, int delta) {
        o.before();
        int old = m.opaque().getAndAdd32(x, delta);
        o.after();
        return old;
    }

    /** {@code atomic_add_return*(i, v)} and friends: getAndAdd32; returns the new value. */
    public static int addReturn(LitmusMemory m, RmwOrdering o, long x, int delta) {
        return fetchAdd(m, o, x, delta) + delta;
    }

    /** {@code atomic_fetch_or*(i, v)}, {@code atomic_or(i, v)}: getAndBitwiseOr32. */
    public static int fetchOr(LitmusMemory m, RmwOrdering o, long x, int bits) {
        o.before();
        int old = m.opaque().getAndBitwiseOr32(x, bits);
        o.after();
        return old;
    }

    /** {@code atomic_fetch_and*(i, v)}, {@code atomic_and(i, v)}: getAndBitwiseAnd32. */
    public static int fetchAnd(LitmusMemory m, RmwOrdering o, long x, int bits) {
        o.before();
        int old = m.opaque().getAndBitwiseAnd32(x, bits);
        o.after();
        return old;
    }

    /**
     * {@code spin_lock(s)}: compareAndSet32 from 0 to 1 until it succeeds (a volatile CAS: acquire
     * and more), with {@link Thread#onSpinWait()} between tries, then a full fence. LKMM orders
     * the accesses before one holder's unlock with those after the next holder's lock almost like
     * smp_mb, as seen by every CPU; a release store followed by an acquire CAS is weaker than that
     * in Java's model, the fence makes the pair at least as strong.
     *
     * @throws IllegalStateException if the lock is still held after {@link #LOCK_DEADLINE_NANOS}
     *                               (a test that never unlocks): a test error, never a hang
     */
    public static void spinLock(LitmusMemory m, long s) {
        long deadline = System.nanoTime() + LOCK_DEADLINE_NANOS;
        int tries = 0;
        while (!m.opaque().compareAndSet32(s, 0, 1)) {
            Thread.onSpinWait();
            if ((++tries & 0x3ff) == 0 && System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("spin_lock on the lock at offset " + s + " still held after "
                        + LOCK_DEADLINE_NANOS / 1_000_000_000L + " s: does every spin_lock have its spin_unlock?");
            }
        }
        Barriers.mb();
    }

    /** {@code spin_unlock(s)}: setRelease of 0. */
    public static void spinUnlock(LitmusMemory m, long s) {
        m.acquireRelease().write32(s, 0);
    }

    /** {@code spin_trylock(s)}: one compareAndSet32 from 0 to 1; 1 (after a full fence, as {@link #spinLock}) if it took the lock. */
    public static int spinTrylock(LitmusMemory m, long s) {
        if (m.opaque().compareAndSet32(s, 0, 1)) {
            Barriers.mb();
            return 1;
        }
        return 0;
    }
}
