package dev.sysmem.explore.weak;

/**
 * The source of every nondeterministic decision the weak-memory model makes: which write a read
 * returns, where in a location's modification order a write goes. Exploration strategies supply
 * it (a seeded random source, a depth-first enumerator), so a decision sequence identifies an
 * execution and replays it.
 */
public interface Chooser {

    /**
     * Chooses one of {@code options} alternatives, numbered from 0. Alternative 0 is always the
     * sequentially consistent one (the newest write, the end of the modification order), so a
     * chooser that always answers 0 explores the sequentially consistent execution.
     *
     * @param options at least 1
     * @param what    what is being decided, for traces
     */
    int choose(int options, String what);

    /** A chooser that always takes alternative 0: sequential consistency. */
    static Chooser sequentiallyConsistent() {
        return (options, what) -> 0;
    }
}
