package dev.sysmem.explore;

import dev.sysmem.explore.TraceEvent.Kind;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.Fence;
import dev.sysmem.io.spi.SchedulingHooks;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The explorer's {@link SchedulingHooks}: for a thread of the schedule being run, every hook is a
 * scheduling point of that schedule; for any other thread it is the real operation (system clock,
 * real park, real lock), as the SPI requires. A thread of a schedule that has ended gets an
 * {@link IterationAborted} at its next hook, so nothing of one schedule runs into the next.
 */
final class Scheduler implements SchedulingHooks {

    private static ManagedThread managed() {
        ManagedThread me = ThreadBinding.current();
        if (me != null && ThreadBinding.run().isOver()) {
            throw new IterationAborted("schedule over");
        }
        return me;
    }

    @Override
    public void fence(Fence fence) {
        ManagedThread me = managed();
        if (me != null) {
            ScheduledRun run = ThreadBinding.run();
            run.point(me, TraceEvent.note(me.id, Kind.FENCE, fence.name().toLowerCase(), run.relativeClock()), false);
            run.fence(me, fence);
        }
    }

    @Override
    public long nanoTime() {
        ManagedThread me = managed();
        return me == null ? System.nanoTime() : ThreadBinding.run().clock();
    }

    @Override
    public void sleep(long nanos, String reason) {
        ManagedThread me = managed();
        if (me == null) {
            LockSupport.parkNanos(nanos);
            return;
        }
        ThreadBinding.run().block(me, null, nanos, reason + " " + ScheduledRun.micros(nanos));
    }

    @Override
    public void spinWait(String reason) {
        ManagedThread me = managed();
        if (me == null) {
            Thread.onSpinWait();
            return;
        }
        ScheduledRun run = ThreadBinding.run();
        run.point(me, TraceEvent.note(me.id, Kind.POINT, "spin (" + reason + ")", run.relativeClock()), true);
    }

    @Override
    public void point(String label) {
        ManagedThread me = managed();
        if (me != null) {
            ScheduledRun run = ThreadBinding.run();
            run.point(me, TraceEvent.note(me.id, Kind.POINT, label, run.relativeClock()), false);
        }
    }

    @Override
    public boolean isManaged() {
        return managed() != null;
    }

    @Override
    public boolean await(BooleanSupplier condition, long timeoutNanos, String reason) {
        ManagedThread me = managed();
        if (me == null) {
            throw new IllegalStateException("thread '" + Thread.currentThread().getName() + "' is not managed");
        }
        ScheduledRun run = ThreadBinding.run();
        if (condition.getAsBoolean()) {
            run.point(me, null, false);
        } else {
            run.block(me, condition, timeoutNanos, reason);
        }
        return condition.getAsBoolean();
    }

    @Override
    public Runnable threadBody(String name, Runnable body) {
        ManagedThread me = managed();
        if (me == null) {
            return body;
        }
        ScheduledRun run = ThreadBinding.run();
        ManagedThread child = run.register(name);
        return () -> run.runManaged(child, body::run, false);
    }

    @Override
    public boolean join(Thread thread, long nanos) throws InterruptedException {
        ManagedThread me = managed();
        ManagedThread target = me == null ? null : ThreadBinding.run().find(thread);
        if (target == null) {
            return thread.join(Duration.ofNanos(Math.max(1, nanos)));
        }
        return await(() -> target.state == ManagedThread.State.FINISHED, nanos, "thread '" + target.name + "' to end");
    }

    @Override
    public void lock(ReentrantLock lock) {
        ManagedThread me = managed();
        if (me == null) {
            lock.lock();
            return;
        }
        ScheduledRun run = ThreadBinding.run();
        while (!lock.tryLock()) {
            run.block(me, () -> !lock.isLocked(), Long.MAX_VALUE, "a lock another thread holds");
        }
    }

    @Override
    public void registerAccess(String region, long offset, Width width, boolean write, long value) {
        ManagedThread me = managed();
        if (me != null) {
            ScheduledRun run = ThreadBinding.run();
            run.point(me, new TraceEvent(me.id, write ? Kind.WRITE : Kind.READ, region, offset, width.bits(), "mmio",
                    value, run.relativeClock()), false);
        }
    }
}
