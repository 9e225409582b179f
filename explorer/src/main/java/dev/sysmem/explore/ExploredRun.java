package dev.sysmem.explore;

import dev.sysmem.io.SysMem;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.Scheduling;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link ExploredTest} gets for one schedule: memory the explorer controls, managed
 * threads, the virtual clock, and explicit scheduling points.
 *
 * <p><b>Guarantees.</b> Everything made here belongs to this schedule only: its memory is fresh
 * (zeroed) and freed when the schedule ends; its threads end with it (a thread still running when
 * the test body returns is waited for, a device thread still waiting for work is ended).
 */
public final class ExploredRun {

    /** The body of a managed thread. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private static final Duration FREE_JOIN_DEADLINE = Duration.ofSeconds(10);

    private final ScheduledRun run;
    private final Arena arena;
    private final int iteration;
    private final List<ManagedThread> forks = new ArrayList<>();
    private final List<Thread> freeThreads = new ArrayList<>();
    private final List<Throwable> freeFailures = Collections.synchronizedList(new ArrayList<>());

    /**
     * A free-running run (no scheduler: real threads, real time, plain memory), when {@code run}
     * is null: what a test does without the explorer, for comparison.
     */
    ExploredRun(ScheduledRun run, Arena arena, int iteration) {
        this.run = run;
        this.arena = arena;
        this.iteration = iteration;
    }

    /** Which schedule this is, counting from 1. */
    public int iteration() {
        return iteration;
    }

    /**
     * {@code size} bytes of fresh, zeroed memory called {@code name}, as the {@link SysMem} view
     * drivers and devices use (an {@linkplain SysMem#intercepted intercepted} view over
     * {@link #memoryHandler}): every access through it, or any view made from it, is a scheduling
     * point, made under sequential consistency (or the weak-memory model, if the explorer was
     * built with it) and recorded in the trace. Its {@link SysMem#segment()} gives the same bytes
     * for bulk copies (DMA buffers, data to checksum), which are not scheduling points.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public SysMem memory(String name, long size) {
        if (run == null) {
            return SysMem.of(name, arena.allocate(positive(name, size), 8));
        }
        MemorySegment segment = arena.allocate(positive(name, size), 8);
        return SysMem.intercepted(name, segment, handler(name, segment));
    }

    private static long positive(String name, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("explored memory '" + name + "' needs a positive size, was " + size);
        }
        return size;
    }

    /**
     * The access handler of {@code size} bytes of fresh, zeroed memory called {@code name}: every
     * access through it is a scheduling point, made under sequential consistency and recorded in
     * the trace. Give it to {@code SysMem.intercepted} to get the view drivers and devices use.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public AccessHandler memoryHandler(String name, long size) {
        Objects.requireNonNull(name, "name");
        if (run == null) {
            throw new IllegalStateException("a free-running run has no access handler; use memory(name, size)");
        }
        return handler(name, arena.allocate(positive(name, size), 8));
    }

    private AccessHandler handler(String name, MemorySegment segment) {
        if (run.weakMemory()) {
            WeakExploredMemory weak = new WeakExploredMemory(run, name, segment);
            run.addWeakMemory(weak);
            return weak;
        }
        return new SequentialMemory(run, name, segment);
    }

    /**
     * Starts a managed thread called {@code name} running {@code body}; it first runs when the
     * scheduler picks it. An exception out of {@code body} fails the schedule.
     *
     * @throws IllegalStateException if not called from a managed thread of this schedule
     */
    public Thread thread(String name, Body body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        if (run == null) {
            Thread t = Thread.ofPlatform().name(name).daemon(true).start(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    freeFailures.add(e);
                }
            });
            freeThreads.add(t);
            return t;
        }
        if (ThreadBinding.run() != run) {
            throw new IllegalStateException("ExploredRun.thread('" + name + "') called from thread '"
                    + Thread.currentThread().getName() + "', which this schedule does not run");
        }
        ManagedThread child = run.register(name);
        forks.add(child);
        return Thread.ofVirtual().name(name).start(() -> run.runManaged(child, body, false));
    }

    /** Waits (a scheduling point, blocked) until every thread started with {@link #thread} has ended. */
    public void joinAll() throws InterruptedException {
        if (run == null) {
            for (Thread t : List.copyOf(freeThreads)) {
                if (!t.join(FREE_JOIN_DEADLINE)) {
                    throw new AssertionError("thread '" + t.getName() + "' did not end within " + FREE_JOIN_DEADLINE);
                }
            }
            if (!freeFailures.isEmpty()) {
                Throwable first = freeFailures.getFirst();
                if (first instanceof RuntimeException r) {
                    throw r;
                }
                if (first instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException("a thread of the free run failed: " + first, first);
            }
            return;
        }
        for (ManagedThread t : List.copyOf(forks)) {
            Scheduling.await(() -> t.state == ManagedThread.State.FINISHED, Long.MAX_VALUE, "thread '" + t.name + "' to end");
        }
    }

    /** An explicit scheduling point, shown as {@code label} in the trace. */
    public void point(String label) {
        Scheduling.point(label);
    }

    /** The virtual clock, in nanoseconds (what {@code Scheduling.nanoTime()} returns to managed threads). */
    public long nanoTime() {
        return Scheduling.nanoTime();
    }
}
