package dev.sysmem.explore;

import dev.sysmem.io.spi.Scheduling;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a test under a controlled scheduler, schedule after schedule, until one fails or the
 * iterations (or the deadline) run out; shrinks a failing schedule and reports it with a replay
 * string and a trace.
 *
 * <pre>{@code
 * ExplorationResult result = Explorer.builder("EduAck#lostInterrupt")
 *         .strategy(Strategy.PCT).seed(7).iterations(2_000)
 *         .build()
 *         .explore(run -> { ... });          // or .check(...), which throws RaceFoundError
 * }</pre>
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Exactly one managed thread runs at a time; the others wait for their turn, parked after a
 *       short spin. Every choice comes from one random source per schedule, seeded from the seed
 *       and the schedule's number, so seed, strategy and iteration identify a random-walk
 *       schedule; for every strategy the replay string identifies it exactly.</li>
 *   <li>Nothing hangs: a deadlock (no thread can run, none waits for time) and a livelock (more
 *       than {@code maxSteps} scheduling points) fail the schedule with its trace; the whole
 *       exploration, shrinking included, ends at its deadline; a managed thread that blocks outside
 *       the explorer (a real sleep, lock or I/O) for {@link #STALL_LIMIT} is reported with its
 *       stack.</li>
 *   <li>A replay that does not fit the program is a {@link ReplayDivergence}, never a silent
 *       different schedule.</li>
 *   <li>Only one exploration runs at a time in a JVM (they share the scheduling hooks); others
 *       wait for it.</li>
 * </ul>
 */
public final class Explorer {

    /** How long the thread holding the turn may block outside the explorer before it is reported. */
    public static final Duration STALL_LIMIT = Duration.ofMillis(500);

    /**
     * How long a thread that holds the turn may take to start before it is reported as created but
     * never started. Longer than {@link #STALL_LIMIT}: a started virtual thread waits for a carrier
     * on a loaded machine (500 ms was seen at load 15), and a thread nobody starts is a mistake that
     * is reported as well, only later.
     */
    public static final Duration START_LIMIT = Duration.ofSeconds(10);

    private static final Scheduler HOOKS = new Scheduler();
    private static final Object ONE_AT_A_TIME = new Object();
    private static final long WATCH_NANOS = 5_000_000;
    private static final Duration THREAD_END_DEADLINE = Duration.ofSeconds(2);
    private static final Duration STRAGGLER_INTERRUPT_AFTER = Duration.ofMillis(200);
    private static final int MAX_SHRINK_RUNS = 400;

    private final String test;
    private final Strategy strategy;
    private final long seed;
    private final int iterations;
    private final int pctDepth;
    private final int preemptionBound;
    private final long maxSteps;
    private final Duration deadline;
    private final ReplayString replay;
    private final boolean shrink;
    private final int traceRows;
    private final boolean weakMemory;

    private Explorer(Builder b) {
        this.test = b.test;
        this.strategy = b.strategy;
        this.seed = b.seed;
        this.iterations = b.iterations;
        this.pctDepth = b.pctDepth;
        this.preemptionBound = b.preemptionBound;
        this.maxSteps = b.maxSteps;
        this.deadline = b.deadline;
        this.replay = b.replay == null ? null : ReplayString.parse(b.replay, b.test);
        this.shrink = b.shrink;
        this.traceRows = b.traceRows;
        // A replay runs on the memory its schedule was recorded on: its value choices are among its choices.
        this.weakMemory = replay != null ? replay.weakMemory() : b.weakMemory;
    }

    /**
     * Options for exploring the test called {@code testName} (its name is recorded in replay
     * strings, so a string for another test is refused).
     */
    public static Builder builder(String testName) {
        return new Builder(testName);
    }

    /** Explores and throws {@link RaceFoundError} (an {@link AssertionError}) if a schedule failed. */
    public ExplorationResult check(ExploredTest body) {
        ExplorationResult result = explore(body);
        if (result.race().isPresent()) {
            throw new RaceFoundError(result.race().get());
        }
        return result;
    }

    /**
     * Explores: runs schedules until one fails, the iterations are done, the exhaustive strategy
     * has run every schedule in its bound, or the deadline passes.
     *
     * @throws ReplayDivergence if replaying a string and the program does not follow it
     */
    public ExplorationResult explore(ExploredTest body) {
        Objects.requireNonNull(body, "test");
        synchronized (ONE_AT_A_TIME) {
            Scheduling.install(HOOKS);
            try {
                return exploreInstalled(body);
            } finally {
                Scheduling.uninstall(HOOKS);
            }
        }
    }

    private ExplorationResult exploreInstalled(ExploredTest body) {
        long start = System.nanoTime();
        long deadlineAt = start + deadline.toNanos();
        if (replay != null) {
            Outcome o = runSchedule(new RecordedSchedule(replay.choices(), true), body, replay.iteration(), deadlineAt);
            if (o.failure instanceof ReplayDivergence d) {
                throw d;
            }
            Optional<RaceReport> race = Optional.empty();
            if (o.failure != null) {
                if (o.used < replay.choices().length) {
                    throw new ReplayDivergence("replay diverged: the schedule failed after " + o.used + " of "
                            + replay.choices().length + " recorded choices (" + o.failure + ")");
                }
                race = Optional.of(report(replay.iteration(), Strategy.parse(replay.strategy()), replay.seed(),
                        o, o, 0));
            } else if (!o.deadlineHit && o.decisions.length != replay.choices().length) {
                throw new ReplayDivergence("replay diverged: the program made " + o.decisions.length
                        + " choices where the recording has " + replay.choices().length);
            }
            return new ExplorationResult(test, Strategy.parse(replay.strategy()), replay.seed(), 1, false, o.deadlineHit,
                    Duration.ofNanos(System.nanoTime() - start), race);
        }
        SchedulePolicy policy = switch (strategy) {
            case RANDOM -> new RandomWalk();
            case PCT -> new PriorityChangePolicy(pctDepth);
            case EXHAUSTIVE -> new BoundedExhaustive(preemptionBound);
        };
        int run = 0;
        boolean deadlineHit = false;
        Optional<RaceReport> race = Optional.empty();
        while (run < iterations) {
            if (policy instanceof BoundedExhaustive e && e.finished()) {
                break;
            }
            if (System.nanoTime() - deadlineAt >= 0) {
                deadlineHit = true;
                break;
            }
            run++;
            Outcome o = runSchedule(policy, body, run, deadlineAt);
            if (o.deadlineHit) {
                deadlineHit = true;
                run--;
                break;
            }
            if (o.failure instanceof ReplayDivergence d) {
                throw d;
            }
            if (o.failure != null) {
                race = Optional.of(shrinkAndReport(run, o, body, deadlineAt));
                break;
            }
        }
        boolean exhausted = policy instanceof BoundedExhaustive e && e.finished();
        return new ExplorationResult(test, strategy, seed, run, exhausted, deadlineHit,
                Duration.ofNanos(System.nanoTime() - start), race);
    }

    /**
     * Runs {@code body} {@code runs} times without the explorer, on real threads, real time and
     * plain memory (what a test does today), and returns how many runs passed before the first
     * failure and that failure, or all runs if none failed: the comparison the explorer is for.
     * Each run ends within {@code perRunDeadline} (a run that does not is a failure).
     */
    public static FreeRunResult freeRunning(ExploredTest body, int runs, Duration perRunDeadline) {
        long start = System.nanoTime();
        for (int i = 1; i <= runs; i++) {
            Throwable failure = null;
            try (Arena arena = Arena.ofShared()) {
                ExploredRun context = new ExploredRun(null, arena, i);
                Thread t = Thread.ofPlatform().name("test").daemon(true).unstarted(() -> {
                    try {
                        body.run(context);
                        context.joinAll();
                    } catch (Throwable e) {
                        throw new FreeRunFailure(e);
                    }
                });
                Throwable[] seen = new Throwable[1];
                t.setUncaughtExceptionHandler((th, e) -> seen[0] = e.getCause());
                t.start();
                if (!t.join(perRunDeadline)) {
                    failure = new AssertionError("free run " + i + " did not end within " + perRunDeadline);
                } else {
                    failure = seen[0];
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (IllegalStateException e) {
                failure = e;
            }
            if (failure != null) {
                return new FreeRunResult(i, failure, Duration.ofNanos(System.nanoTime() - start));
            }
        }
        return new FreeRunResult(runs, null, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The outcome of {@link #freeRunning}.
     *
     * @param runs    runs made (the failing one included)
     * @param failure the first failure, or null if every run passed
     * @param elapsed wall time
     */
    public record FreeRunResult(int runs, Throwable failure, Duration elapsed) {
    }

    private static final class FreeRunFailure extends RuntimeException {
        FreeRunFailure(Throwable cause) {
            super(cause);
        }
    }

    // ---- shrinking ------------------------------------------------------------------------------

    private RaceReport shrinkAndReport(int iteration, Outcome found, ExploredTest body, long deadlineAt) {
        Shrinking shrinking = new Shrinking(found, body, iteration, deadlineAt);
        if (shrink) {
            shrinking.fewestPreemptions();
            shrinking.shortestPrefix();
            boolean improved = true;
            while (improved && shrinking.canRun()) {
                improved = shrinking.dropOnePreemption();
            }
            shrinking.shortestPrefix();
        }
        return report(iteration, strategy, seed, found, shrinking.best, shrinking.runs);
    }

    /**
     * Shrinks a failing schedule: each candidate is a list of choices replayed leniently (a choice
     * that does not fit, -1, and everything past the list run without preemption); a candidate is
     * kept if it fails with the same kind of failure and has fewer preemptions, or as many and
     * fewer choices. The schedule kept is the one actually run, so its replay is exact.
     */
    private final class Shrinking {
        private final Class<?> kind;
        private final ExploredTest body;
        private final int iteration;
        private final long deadlineAt;
        Outcome best;
        int runs;

        Shrinking(Outcome found, ExploredTest body, int iteration, long deadlineAt) {
            this.kind = found.failure.getClass();
            this.best = found;
            this.body = body;
            this.iteration = iteration;
            this.deadlineAt = deadlineAt;
        }

        boolean canRun() {
            return runs < MAX_SHRINK_RUNS && System.nanoTime() - deadlineAt < 0;
        }

        /** Runs {@code choices}; true if it fails the same way (and keeps it if it is smaller). */
        private boolean tryCandidate(int[] choices) {
            Outcome o = runSchedule(new RecordedSchedule(choices, false), body, iteration, deadlineAt);
            runs++;
            if (o.deadlineHit || o.failure == null || o.failure.getClass() != kind) {
                return false;
            }
            boolean smaller = o.preempting.length < best.preempting.length
                    || (o.preempting.length == best.preempting.length && o.decisions.length < best.decisions.length);
            if (smaller) {
                best = o;
            }
            return true;
        }

        /**
         * Searches schedules with fewer preemptions exhaustively, bound 0 first, within a quarter of
         * the shrinking budget for all bounds together: small tests get the schedule with the fewest
         * preemptions there is, and a test with many choice points (a device polling a register)
         * leaves most of the budget to cutting the schedule found.
         */
        void fewestPreemptions() {
            int budget = runs + MAX_SHRINK_RUNS / 4;
            for (int bound = 0; bound < best.preempting.length && canRun() && runs < budget; bound++) {
                BoundedExhaustive search = new BoundedExhaustive(bound);
                while (!search.finished() && canRun() && runs < budget) {
                    Outcome o = runSchedule(search, body, iteration, deadlineAt);
                    runs++;
                    if (!o.deadlineHit && o.failure != null && o.failure.getClass() == kind
                            && o.preempting.length < best.preempting.length) {
                        best = o;
                        return;
                    }
                }
            }
        }

        /** The shortest prefix of the best schedule that still fails, the rest run without preemption. */
        void shortestPrefix() {
            int[] choices = best.decisions;
            int lo = 0;
            int hi = choices.length;
            while (lo < hi && canRun()) {
                int mid = (lo + hi) >>> 1;
                if (tryCandidate(Arrays.copyOf(choices, mid))) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
        }

        /** Tries to remove one preemption (latest first): not taking it, or skipping that choice. */
        boolean dropOnePreemption() {
            int before = best.preempting.length;
            int[] preempting = best.preempting;
            for (int k = preempting.length - 1; k >= 0 && canRun(); k--) {
                int at = preempting[k];
                int[] notTaken = best.decisions.clone();
                notTaken[at] = -1;
                tryCandidate(notTaken);
                if (best.preempting.length < before) {
                    return true;
                }
                int[] skipped = new int[best.decisions.length - 1];
                System.arraycopy(best.decisions, 0, skipped, 0, at);
                System.arraycopy(best.decisions, at + 1, skipped, at, skipped.length - at);
                if (canRun()) {
                    tryCandidate(skipped);
                }
                if (canRun() && best.preempting.length == before) {
                    tryCandidate(Arrays.copyOf(notTaken, at + 1));
                }
                if (best.preempting.length < before) {
                    return true;
                }
            }
            return false;
        }
    }

    private RaceReport report(int iteration, Strategy s, long sd, Outcome found, Outcome best, int runs) {
        ReplayString string = new ReplayString(test.hashCode(), s.name(), weakMemory, sd, iteration, best.decisions);
        return new RaceReport(test, s, sd, iteration, best.failure, string, found.decisions.length, best.decisions.length,
                found.preempting.length, best.preempting.length, runs, best.threadNames,
                TraceTable.render(best.trace, best.threadNames, traceRows));
    }

    // ---- one schedule ---------------------------------------------------------------------------

    /** What one schedule did. */
    private record Outcome(Throwable failure, int[] decisions, int[] preempting, List<TraceEvent> trace,
                           List<String> threadNames, int used, boolean deadlineHit) {
    }

    private Outcome runSchedule(SchedulePolicy policy, ExploredTest body, int iteration, long deadlineAt) {
        policy.beginSchedule(new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * iteration)));
        Thread controller = Thread.currentThread();
        ScheduledRun run = new ScheduledRun(policy, maxSteps, controller, weakMemory);
        Arena arena = Arena.ofShared();
        ExploredRun context = new ExploredRun(run, arena, iteration);
        ManagedThread main = run.register("test");
        run.running = main;
        Thread mainThread = Thread.ofVirtual().name("test").unstarted(() -> run.runManaged(main, () -> {
            body.run(context);
            context.joinAll();
        }, true));
        mainThread.start();
        boolean deadlineHit = false;
        while (!run.isOver()) {
            LockSupport.parkNanos(this, WATCH_NANOS);
            if (System.nanoTime() - deadlineAt >= 0) {
                deadlineHit = true;
                run.abortFromOutside(null);
                break;
            }
            watch(run);
        }
        List<String> stragglers = new ArrayList<>();
        long endBy = System.nanoTime() + THREAD_END_DEADLINE.toNanos();
        for (ManagedThread t : List.copyOf(run.threads)) {
            Thread th = t.thread;
            if (th == null) {
                continue;
            }
            try {
                if (!th.join(STRAGGLER_INTERRUPT_AFTER)) {
                    // Blocked outside the explorer (a real sleep or wait): an interrupt brings it to
                    // its next scheduling point, where the ended schedule unwinds it.
                    th.interrupt();
                }
                th.join(Duration.ofNanos(Math.max(1, endBy - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (th.isAlive()) {
                stragglers.add(t.name + " (" + th.getState() + ")");
            }
        }
        Throwable failure = run.failure();
        if (!stragglers.isEmpty()) {
            IllegalStateException e = new IllegalStateException("threads of schedule " + iteration
                    + " did not end within " + THREAD_END_DEADLINE + " after it ended, even interrupted: " + stragglers
                    + "; they block outside the explorer's control");
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                failure = e;
            }
        } else {
            arena.close();
        }
        policy.endSchedule(run.decisions().length);
        int used = policy instanceof RecordedSchedule r ? r.used() : run.decisions().length;
        List<String> names = run.threads.stream().map(t -> t.name).toList();
        return new Outcome(deadlineHit ? null : failure, run.decisions(), run.preemptingChoices(),
                List.copyOf(run.trace), names, used, deadlineHit);
    }

    /** Reports the thread holding the turn if it has been blocked outside the explorer too long. */
    private static void watch(ScheduledRun run) {
        if (System.nanoTime() - run.lastProgressNanos < STALL_LIMIT.toNanos()) {
            return;
        }
        ManagedThread holder = run.running;
        if (holder == null) {
            return;
        }
        Thread th = holder.thread;
        if (th == null) {
            if (System.nanoTime() - run.lastProgressNanos >= START_LIMIT.toNanos()) {
                run.abortFromOutside(new IllegalStateException("thread '" + holder.name
                        + "' was created inside the explored test but not started within " + START_LIMIT));
            }
            return;
        }
        Thread.State state = th.getState();
        if (!holder.parked && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                || state == Thread.State.BLOCKED)) {
            StringBuilder where = new StringBuilder();
            for (StackTraceElement frame : th.getStackTrace()) {
                where.append("\n\tat ").append(frame);
            }
            run.abortFromOutside(new IllegalStateException("thread '" + holder.name + "' has been " + state
                    + " outside the explorer's control for over " + STALL_LIMIT.toMillis() + " ms: a real sleep, lock,"
                    + " join or I/O inside an explored run (use Poll, DeviceContext waits and sysmem's hooks, which run"
                    + " on virtual time):" + where));
        }
    }

    /** Options of an {@link Explorer}. */
    public static final class Builder {
        private final String test;
        private Strategy strategy = Strategy.RANDOM;
        private long seed = 1;
        private int iterations = 1_000;
        private int pctDepth = 3;
        private int preemptionBound = 2;
        private long maxSteps = 100_000;
        private Duration deadline = Duration.ofMinutes(1);
        private String replay;
        private boolean shrink = true;
        private int traceRows = 200;
        private boolean weakMemory;

        private Builder(String test) {
            this.test = Objects.requireNonNull(test, "test name");
            if (test.isBlank()) {
                throw new IllegalArgumentException("the test name must not be blank");
            }
        }

        /** The strategy (default {@link Strategy#RANDOM}). */
        public Builder strategy(Strategy s) {
            this.strategy = Objects.requireNonNull(s, "strategy");
            return this;
        }

        /** The seed every schedule's random source derives from (default 1). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** How many schedules to run at most (default 1,000). */
        public Builder iterations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, was " + n);
            }
            this.iterations = n;
            return this;
        }

        /** PCT's bug depth d: d - 1 priority change points per schedule (default 3). */
        public Builder pctDepth(int d) {
            if (d < 1) {
                throw new IllegalArgumentException("PCT depth must be at least 1, was " + d);
            }
            this.pctDepth = d;
            return this;
        }

        /** The exhaustive strategy's preemption bound (default 2). */
        public Builder preemptionBound(int bound) {
            if (bound < 0) {
                throw new IllegalArgumentException("preemption bound must not be negative, was " + bound);
            }
            this.preemptionBound = bound;
            return this;
        }

        /** Scheduling points after which a schedule counts as a livelock (default 100,000). */
        public Builder maxSteps(long steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("max steps must be at least 1, was " + steps);
            }
            this.maxSteps = steps;
            return this;
        }

        /** Wall-clock deadline of the whole exploration, shrinking included (default 1 minute). */
        public Builder deadline(Duration d) {
            Objects.requireNonNull(d, "deadline");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, was " + d);
            }
            this.deadline = d;
            return this;
        }

        /**
         * Replays {@code replayString} once instead of exploring (null: explore).
         *
         * @throws IllegalArgumentException when built, if the string is malformed, altered, or for another test
         */
        public Builder replay(String replayString) {
            this.replay = replayString == null || replayString.isBlank() ? null : replayString;
            return this;
        }

        /** Whether to shrink a failing schedule before reporting it (default true). */
        public Builder shrink(boolean on) {
            this.shrink = on;
            return this;
        }

        /** How many trace rows (the last ones) a report shows (default 200). */
        public Builder traceRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("trace rows must be at least 1, was " + rows);
            }
            this.traceRows = rows;
            return this;
        }

        /** The explorer. */
        /**
         * Explored memory follows sysmem's weak-memory model ({@code dev.sysmem.explore.weak}):
         * each read may return any write its access mode allows, chosen by the strategy like a
         * thread switch (and counted as a preemption), so a missing release, acquire or barrier
         * shows on any machine, and replays. Off by default: memory is then sequentially
         * consistent. Load buffering is not explored (the model has no promises).
         */
        public Builder weakMemory(boolean on) {
            this.weakMemory = on;
            return this;
        }

        public Explorer build() {
            return new Explorer(this);
        }
    }
}
