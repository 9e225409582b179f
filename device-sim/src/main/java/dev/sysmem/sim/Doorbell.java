package dev.sysmem.sim;

import dev.sysmem.io.spi.Scheduling;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A write that wakes a device thread without polling: the driver (or a trapped register write)
 * calls {@link #ring()}, the device waits with {@link DeviceContext#awaitRing}. The in-process
 * counterpart of a doorbell register or an eventfd.
 *
 * <p><b>Guarantees.</b> Rings are counted, never lost and never merged in the count:
 * {@link #count()} is the number of {@code ring()} calls so far. A waiter that read the count
 * before checking for work and then waits with that count returns at once if a ring happened in
 * between. {@code ring()} never blocks and may be called from any thread, a trapped register
 * handler included. The doorbell carries no data: what to do is in the device's registers or
 * shared memory, written before the ring (the ring happens-after those writes for a waiter that
 * sees the new count, since the count is a volatile).
 *
 * <pre>{@code
 * // driver                                  // device loop
 * mem.write32(CMD, 7);                         long seen = doorbell.count();
 * doorbell.ring();                             if (!hasWork()) context.awaitRing(doorbell, seen, timeout);
 * }</pre>
 */
public final class Doorbell {

    private final String name;
    private final AtomicLong rings = new AtomicLong();
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

    /** A doorbell named {@code name} (used in messages and thread dumps). */
    public Doorbell(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The doorbell's name. */
    public String name() {
        return name;
    }

    /** Rings: counts one more ring and wakes every thread waiting on this doorbell. */
    public void ring() {
        Scheduling.event("ring", name);
        rings.incrementAndGet();
        for (Thread waiter : waiters) {
            LockSupport.unpark(waiter);
        }
    }

    /** How many times the doorbell has rung. */
    public long count() {
        return rings.get();
    }

    void addWaiter(Thread thread) {
        waiters.add(thread);
    }

    void removeWaiter(Thread thread) {
        waiters.remove(thread);
    }

    @Override
    public String toString() {
        return "Doorbell[" + name + ", " + count() + " rings]";
    }
}
