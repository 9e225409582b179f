package dev.sysmem.explore;

import dev.sysmem.explore.ManagedThread.State;
import dev.sysmem.explore.TraceEvent.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One schedule being run: its threads, whose turn it is, the virtual clock, the choices made and
 * the trace.
 *
 * <p><b>Hand-off.</b> Exactly one managed thread holds the turn ({@link #running}); it alone reads
 * and writes the schedule's state, and passes the turn on with a volatile write, which orders
 * everything it did before the next thread's reads. A thread waiting for its turn spins briefly
 * (about the cost of a park/unpark pair) and then parks; it spins only while fewer threads spin
 * than there are processors minus one, so a spinner never takes the core the thread holding the
 * turn needs.
 *
 * <p><b>Time.</b> The clock advances by {@link #TICK_NANOS} per scheduling point, and jumps to the
 * earliest wake-up time when no thread can run: a timeout happens exactly when nothing else can
 * make progress first, the same way in every replay.
 */
final class ScheduledRun {

    /** Virtual time one scheduling point takes. */
    static final long TICK_NANOS = 100;
    /** The virtual clock at the start of a schedule (far from zero, so deadlines never wrap). */
    static final long CLOCK_ORIGIN = 1_000_000_000L;

    private static final int SPIN_LIMIT = 20_000;
    private static final int SPINNERS_ALLOWED = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private static final AtomicInteger SPINNERS = new AtomicInteger();

    private final SchedulePolicy policy;
    private final long maxSteps;
    final List<ManagedThread> threads = new ArrayList<>();
    final List<TraceEvent> trace = new ArrayList<>();
    private final IntList decisions = new IntList();
    private final IntList preempting = new IntList();
    private final Thread controller;

    volatile ManagedThread running;
    private volatile boolean over;
    private volatile Throwable failure;
    volatile long lastProgressNanos = System.nanoTime();
    private long clock = CLOCK_ORIGIN;
    private long steps;
    private int preemptions;

    private final boolean weakMemory;
    private final List<WeakExploredMemory> weakMemories = new ArrayList<>();

    ScheduledRun(SchedulePolicy policy, long maxSteps, Thread controller, boolean weakMemory) {
        this.policy = policy;
        this.maxSteps = maxSteps;
        this.controller = controller;
        this.weakMemory = weakMemory;
    }

    /** Whether explored memory of this schedule follows the weak-memory model. */
    boolean weakMemory() {
        return weakMemory;
    }

    /** A weak memory of this schedule: fences of its threads reach it. */
    void addWeakMemory(WeakExploredMemory memory) {
        weakMemories.add(memory);
    }

    /** A fence by {@code me} (after its scheduling point): every weak memory of the schedule sees it. */
    void fence(ManagedThread me, dev.sysmem.io.spi.Fence fence) {
        for (WeakExploredMemory m : weakMemories) {
            m.fence(fence);
        }
    }

    /**
     * Which of {@code options} writes a read by {@code me} returns (0 the newest), decided by the
     * schedule's policy and recorded with its thread decisions, so replay strings carry it; a
     * choice other than 0 counts as a preemption.
     */
    int chooseValue(ManagedThread me, int options) {
        if (options == 1) {
            return 0;
        }
        int chosen;
        try {
            chosen = policy.chooseValue(decisions.size(), options);
        } catch (ReplayDivergence d) {
            fail(me, new ReplayDivergence(d.getMessage() + " (a value the memory model offered " + options
                    + " choices for)"));
            return 0;
        }
        decisions.add(chosen);
        if (chosen != 0) {
            preemptions++;
            preempting.add(decisions.size() - 1);
        }
        return chosen;
    }

    // ---- registration ---------------------------------------------------------------------------

    /** Registers a thread; called by the thread holding the turn (or the controller, before any runs). */
    ManagedThread register(String name) {
        ManagedThread t = new ManagedThread(threads.size(), name);
        threads.add(t);
        policy.threadCreated(t.id);
        return t;
    }

    /** The managed thread run by {@code thread}, matched by identity, else by name (not yet started). */
    ManagedThread find(Thread thread) {
        for (ManagedThread t : threads) {
            if (t.thread == thread) {
                return t;
            }
        }
        for (ManagedThread t : threads) {
            if (t.thread == null && t.name.equals(thread.getName())) {
                return t;
            }
        }
        return null;
    }

    // ---- what managed threads do ----------------------------------------------------------------

    long clock() {
        return clock;
    }

    long relativeClock() {
        return clock - CLOCK_ORIGIN;
    }

    void record(ManagedThread me, TraceEvent event) {
        trace.add(event);
    }

    /** A scheduling point of {@code me}, after recording {@code event} (if any). */
    void point(ManagedThread me, TraceEvent event, boolean yielding) {
        checkOver();
        if (event != null) {
            trace.add(event);
        }
        me.yielding = yielding;
        decide(me);
        me.yielding = false;
    }

    /** Blocks {@code me} until {@code condition} holds (if not null) or {@code timeoutNanos} pass. */
    void block(ManagedThread me, BooleanSupplier condition, long timeoutNanos, String reason) {
        checkOver();
        me.state = State.BLOCKED;
        me.condition = condition;
        me.wakeAt = timeoutNanos >= Long.MAX_VALUE - clock ? Long.MAX_VALUE : clock + Math.max(0, timeoutNanos);
        me.waitingFor = reason;
        trace.add(TraceEvent.note(me.id, Kind.BLOCK, reason
                + (me.wakeAt == Long.MAX_VALUE ? "" : " (until t=" + micros(me.wakeAt - CLOCK_ORIGIN) + ")"), relativeClock()));
        decide(me);
    }

    /**
     * The body of a managed thread: waits for its first turn, runs {@code body}, reports a
     * failure, ends. When {@code endsSchedule}, the schedule is complete once the body returned
     * (the test body: device threads still waiting for work are not waited for).
     */
    void runManaged(ManagedThread me, ExploredRun.Body body, boolean endsSchedule) {
        me.thread = Thread.currentThread();
        ThreadBinding.bind(this, me);
        try {
            awaitTurn(me);
            trace.add(TraceEvent.note(me.id, Kind.START, null, relativeClock()));
            body.run();
            checkOver();
            trace.add(TraceEvent.note(me.id, Kind.END, null, relativeClock()));
            me.state = State.FINISHED;
            if (endsSchedule) {
                finish();
            } else {
                decide(me);
            }
        } catch (IterationAborted ended) {
            // The schedule is over; nothing to report from this thread.
        } catch (Throwable t) {
            try {
                fail(me, t);
            } catch (IterationAborted ended) {
                // fail() ends this thread's part in the schedule.
            }
        } finally {
            ThreadBinding.unbind();
        }
    }

    /**
     * The managed thread about to access explored memory, after its scheduling point; a thread
     * this schedule does not run is refused, naming it, since its accesses could not be replayed.
     */
    ManagedThread enterMemory(String region, long offset, String what) {
        ManagedThread me = ThreadBinding.current();
        if (me == null || ThreadBinding.run() != this) {
            throw new IllegalStateException("thread '" + Thread.currentThread().getName() + "' " + what
                    + " explored memory '" + region + "' at offset 0x" + Long.toHexString(offset)
                    + " but the race explorer does not run it: start threads with ExploredRun.thread(...) or a"
                    + " DeviceRunner inside the explored test, so their accesses are scheduled and replayable");
        }
        point(me, null, false);
        return me;
    }

    // ---- the decision ---------------------------------------------------------------------------

    private void decide(ManagedThread me) {
        checkOver();
        lastProgressNanos = System.nanoTime();
        if (++steps > maxSteps) {
            fail(me, new LivelockError("livelock: " + maxSteps + " scheduling points passed and the test has not ended"
                    + " (a thread spinning on a condition no other thread makes true?) " + waitSummary()));
        }
        clock += TICK_NANOS;
        List<ManagedThread> enabled = enabled();
        if (enabled.isEmpty()) {
            long earliest = Long.MAX_VALUE;
            boolean anyAlive = false;
            for (ManagedThread t : threads) {
                if (t.state == State.BLOCKED) {
                    earliest = Math.min(earliest, t.wakeAt);
                }
                anyAlive |= t.state != State.FINISHED;
            }
            if (!anyAlive) {
                finish();
                return;
            }
            if (earliest == Long.MAX_VALUE) {
                fail(me, new DeadlockError("deadlock: no thread can run; " + waitSummary()));
            }
            clock = Math.max(clock, earliest);
            enabled = enabled();
        }
        ManagedThread next;
        if (enabled.size() == 1) {
            next = enabled.getFirst();
        } else {
            int[] ids = new int[enabled.size()];
            int current = -1;
            for (int i = 0; i < ids.length; i++) {
                ids[i] = enabled.get(i).id;
                if (enabled.get(i) == me) {
                    current = me.id;
                }
            }
            int chosen;
            try {
                chosen = policy.choose(decisions.size(), ids, current, me.yielding);
            } catch (ReplayDivergence d) {
                fail(me, new ReplayDivergence(d.getMessage() + "; threads: " + threadNames()));
                return;
            }
            decisions.add(chosen);
            if (SchedulePolicy.preempts(chosen, ids, current, me.yielding)) {
                preemptions++;
                preempting.add(decisions.size() - 1);
            }
            next = threads.get(chosen);
        }
        if (next != me) {
            trace.add(TraceEvent.note(me.id, Kind.SWITCH, switchReason(me) + " -> " + next.name, relativeClock()));
        }
        if (next.state == State.BLOCKED) {
            next.state = State.READY;
            next.condition = null;
            next.wakeAt = Long.MAX_VALUE;
        }
        if (next != me) {
            handOff(next);
            if (me.state != State.FINISHED) {
                awaitTurn(me);
            }
        }
    }

    private String switchReason(ManagedThread me) {
        return switch (me.state) {
            case FINISHED -> "ended";
            case BLOCKED -> "waits for " + me.waitingFor;
            case READY -> me.yielding ? "yields" : "preempted";
        };
    }

    private List<ManagedThread> enabled() {
        List<ManagedThread> enabled = new ArrayList<>(threads.size());
        for (ManagedThread t : threads) {
            if (t.state == State.READY
                    || (t.state == State.BLOCKED && (clock >= t.wakeAt || (t.condition != null && t.condition.getAsBoolean())))) {
                enabled.add(t);
            }
        }
        return enabled;
    }

    private String waitSummary() {
        StringBuilder s = new StringBuilder();
        for (ManagedThread t : threads) {
            if (!s.isEmpty()) {
                s.append("; ");
            }
            s.append(t.name).append(' ').append(switch (t.state) {
                case FINISHED -> "has ended";
                case READY -> "can run";
                case BLOCKED -> "waits for " + t.waitingFor
                        + (t.wakeAt == Long.MAX_VALUE ? " (no timeout)" : "");
            });
        }
        return s.toString();
    }

    String threadNames() {
        StringBuilder s = new StringBuilder();
        for (ManagedThread t : threads) {
            s.append(s.isEmpty() ? "" : ", ").append(t.id).append('=').append(t.name);
        }
        return s.toString();
    }

    // ---- hand-off -------------------------------------------------------------------------------

    private void handOff(ManagedThread next) {
        running = next;
        Thread t = next.thread;
        if (t != null && next.parked) {
            LockSupport.unpark(t);
        }
    }

    private void awaitTurn(ManagedThread me) {
        if (running == me) {
            checkOver();
            return;
        }
        // A virtual thread parks at once: parking it frees its carrier for the thread whose turn it is.
        if (!Thread.currentThread().isVirtual()) {
            if (SPINNERS.incrementAndGet() <= SPINNERS_ALLOWED) {
                for (int i = 0; i < SPIN_LIMIT; i++) {
                    if (running == me || over) {
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
            SPINNERS.decrementAndGet();
        }
        while (running != me) {
            checkOver();
            me.parked = true;
            if (running != me && !over) {
                LockSupport.park(this);
            }
            me.parked = false;
        }
        checkOver();
    }

    // ---- the end --------------------------------------------------------------------------------

    private void checkOver() {
        if (over) {
            throw new IterationAborted("schedule over");
        }
    }

    /** Records {@code t} as the schedule's failure (the first one wins) and ends the schedule. */
    void fail(ManagedThread me, Throwable t) {
        if (failure == null) {
            failure = t;
            trace.add(TraceEvent.note(me == null ? -1 : me.id, Kind.FAIL, t.toString(), relativeClock()));
        }
        end();
        if (me != null && ThreadBinding.current() == me) {
            throw new IterationAborted("failed");
        }
    }

    /** Every thread ended (or the test body returned): the schedule is complete. */
    void finish() {
        end();
    }

    /** Ends the schedule: every managed thread throws {@link IterationAborted} at its next point. */
    void end() {
        over = true;
        for (ManagedThread t : threads) {
            Thread th = t.thread;
            if (th != null) {
                LockSupport.unpark(th);
            }
        }
        LockSupport.unpark(controller);
    }

    /** Ends the schedule from outside (the controller: a deadline, a thread stuck outside the explorer). */
    void abortFromOutside(Throwable why) {
        if (why != null && failure == null) {
            failure = why;
            trace.add(TraceEvent.note(-1, Kind.FAIL, why.toString(), relativeClock()));
        }
        end();
    }

    boolean isOver() {
        return over;
    }

    Throwable failure() {
        return failure;
    }

    int[] decisions() {
        return decisions.toArray();
    }

    long steps() {
        return steps;
    }

    int preemptions() {
        return preemptions;
    }

    /** The indices of the choices that preempted a thread that could have continued. */
    int[] preemptingChoices() {
        return preempting.toArray();
    }

    static String micros(long nanos) {
        return nanos % 1000 == 0 ? (nanos / 1000) + " µs" : String.format("%.1f µs", nanos / 1000.0);
    }
}
