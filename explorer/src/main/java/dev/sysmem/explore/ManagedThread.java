package dev.sysmem.explore;

import java.util.function.BooleanSupplier;

/**
 * One thread the scheduler runs within one schedule. Its fields are written only by the thread
 * that holds the turn (the hand-off through the volatile {@code ScheduledRun.running} orders
 * them), except {@link #thread} and {@link #parked}, written by the thread itself.
 */
final class ManagedThread {

    enum State { READY, BLOCKED, FINISHED }

    final int id;
    final String name;
    final boolean device;
    volatile Thread thread;
    volatile boolean parked;
    State state = State.READY;
    /** While BLOCKED: what makes it runnable again (null: only time). */
    BooleanSupplier condition;
    /** While BLOCKED: the virtual time at which it runs again anyway (Long.MAX_VALUE: never). */
    long wakeAt = Long.MAX_VALUE;
    /** While BLOCKED: what it waits for, for traces and deadlock reports. */
    String waitingFor;
    /** Whether its last scheduling point was a spin or sleep: it lets others go first. */
    boolean yielding;

    ManagedThread(int id, String name) {
        this.id = id;
        this.name = name;
        this.device = name.startsWith("device-");
    }

    @Override
    public String toString() {
        return name;
    }
}
