package dev.sysmem.explore;

import java.util.SplittableRandom;

/**
 * Chooses the next thread at each choice point of a schedule: a scheduling point at which two or
 * more threads can run (points with one runnable thread are not choices, so they neither consume
 * randomness nor appear in replay strings).
 */
interface SchedulePolicy {

    /** Called before each schedule, with the random source of that schedule (from seed and iteration). */
    void beginSchedule(SplittableRandom random);

    /** Thread {@code id} was registered (ids count up from 0 within a schedule). */
    default void threadCreated(int id) {
    }

    /**
     * Chooses among {@code enabled} (ascending thread ids, at least two).
     *
     * @param choice   the number of choices made before this one in this schedule
     * @param current  the thread at the scheduling point if it can continue, else -1
     * @param yielding whether that thread spins or sleeps, asking others to go first
     * @return one of {@code enabled}
     */
    int choose(int choice, int[] enabled, int current, boolean yielding);

    /** Called after each schedule with the number of choices it made. */
    /**
     * Chooses which of {@code options} writes a read returns under the weak-memory model (0 is the
     * newest, the sequentially consistent answer; each other choice counts as a preemption does:
     * a deviation the exhaustive bound limits and shrinking removes). By default the options are
     * offered as if they were threads 0..options-1 with 0 running, which suits random, exhaustive
     * and recorded schedules alike.
     */
    default int chooseValue(int choice, int options) {
        int[] range = new int[options];
        for (int i = 0; i < options; i++) {
            range[i] = i;
        }
        return choose(choice, range, 0, false);
    }

    default void endSchedule(int choices) {
    }

    /**
     * The choice that preempts nobody: the current thread if it can continue and does not yield,
     * else the next enabled thread after it in id order (round robin, so spinning threads take
     * turns).
     */
    static int nonPreemptive(int[] enabled, int current, boolean yielding) {
        if (current >= 0 && !yielding) {
            return current;
        }
        for (int id : enabled) {
            if (id > current) {
                return id;
            }
        }
        return enabled[0];
    }

    /**
     * Whether choosing {@code chosen} is a preemption: the thread at the point could go on (it is
     * enabled) and the choice is not the {@link #nonPreemptive} one. At a yield, running the
     * yielding thread again instead of the next one also counts, so that a spin loop does not
     * make the tree of zero-preemption schedules unbounded.
     */
    static boolean preempts(int chosen, int[] enabled, int current, boolean yielding) {
        return current >= 0 && chosen != nonPreemptive(enabled, current, yielding);
    }
}
