package dev.sysmem.explore;

/**
 * A replayed schedule does not fit the program: at a recorded choice the recorded thread cannot
 * run, or the program made more or fewer choices than recorded. The program has another source
 * of nondeterminism than the schedule (real time, unmanaged threads, randomness), or changed.
 */
public final class ReplayDivergence extends RuntimeException {
    ReplayDivergence(String message) {
        super(message);
    }
}
