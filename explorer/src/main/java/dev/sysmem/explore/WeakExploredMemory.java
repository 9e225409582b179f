package dev.sysmem.explore;

import dev.sysmem.explore.TraceEvent.Kind;
import dev.sysmem.explore.weak.ModelThread;
import dev.sysmem.explore.weak.WeakMemory;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;
import dev.sysmem.io.spi.Fence;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Explored memory under sysmem's weak-memory model ({@link WeakMemory}): as with
 * {@link SequentialMemory} every access is a scheduling point and a trace row, but a read may
 * return any write its access mode allows, not only the newest. Which one is a decision of the
 * schedule ({@link ScheduledRun#chooseValue}): drawn by the strategy, recorded among the
 * schedule's choices (so the replay string reproduces it), and counted as a preemption, so
 * shrinking prefers schedules with fewer stale reads. A trace row of a read that did not return
 * the newest write says so ({@code stale k}: k writes back).
 *
 * <p>A poller is not starved: after {@link #STALE_READ_BOUND} stale reads of one location in a
 * row, a thread reads the newest write (Java's promise that writes become visible eventually).
 */
final class WeakExploredMemory implements AccessHandler {

    /** Writes each location remembers. */
    static final int HISTORY_BOUND = 8;
    /** Stale reads of one location in a row before a thread must see the newest write. */
    static final int STALE_READ_BOUND = 4;

    private final ScheduledRun run;
    private final String name;
    private final WeakMemory model;
    private final Map<ManagedThread, ModelThread> threads = new HashMap<>();
    private ManagedThread deciding;
    private int lastChoice;

    WeakExploredMemory(ScheduledRun run, String name, MemorySegment segment) {
        this.run = run;
        this.name = name;
        this.model = new WeakMemory(segment, HISTORY_BOUND, STALE_READ_BOUND, (options, what) -> {
            lastChoice = run.chooseValue(deciding, options);
            return lastChoice;
        });
    }

    private ManagedThread enter(String region, long offset, String what) {
        ManagedThread me = run.enterMemory(region, offset, what);
        deciding = me;
        lastChoice = 0;
        return me;
    }

    private ModelThread modelThread(ManagedThread me) {
        return threads.computeIfAbsent(me, t -> model.thread(t.name));
    }

    private static String location(String region, long offset) {
        return region + "+0x" + Long.toHexString(offset);
    }

    @Override
    public long read(String region, long offset, long address, Width width, AccessMode mode) {
        ManagedThread me = enter(region, offset, "read");
        long value = model.read(modelThread(me), location(region, offset), address, width, mode);
        String shown = SequentialMemory.mode(mode) + (mode == AccessMode.PLAIN ? " (a data race on explored memory)" : "")
                + (lastChoice == 0 ? "" : " stale " + lastChoice);
        run.record(me, new TraceEvent(me.id, Kind.READ, region, offset, width.bits(), shown, value, run.relativeClock()));
        return value;
    }

    @Override
    public void write(String region, long offset, long address, Width width, AccessMode mode, long value) {
        ManagedThread me = enter(region, offset, "wrote");
        model.write(modelThread(me), location(region, offset), address, width, mode, value);
        String shown = SequentialMemory.mode(mode) + (mode == AccessMode.PLAIN ? " (a data race on explored memory)" : "")
                + (lastChoice == 0 ? "" : " placed " + lastChoice + " back");
        run.record(me, new TraceEvent(me.id, Kind.WRITE, region, offset, width.bits(), shown, value & width.mask(),
                run.relativeClock()));
    }

    @Override
    public long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand) {
        ManagedThread me = enter(region, offset, "made an atomic access to");
        long old = model.update(modelThread(me), location(region, offset), address, width, op, expected, operand);
        run.record(me, new TraceEvent(me.id, Kind.ATOMIC, region, offset, width.bits(), op.name().toLowerCase(), old,
                run.relativeClock()));
        return old;
    }

    /** A fence by the thread holding the turn, after its scheduling point. */
    void fence(Fence fence) {
        ManagedThread me = ThreadBinding.current();
        if (me != null && ThreadBinding.run() == run) {
            model.fence(modelThread(me), fence);
        }
    }


    @Override
    public String toString() {
        return "WeakExploredMemory[" + name + ", history " + HISTORY_BOUND + "]";
    }
}
