package dev.sysmem.bench.cputime;

/**
 * A measured loop: {@code iterations} rounds of one access pattern, the loop written inside the
 * implementing method so that the JIT compiles each contender's loop on its own, with the access
 * inlined and a profile no other contender shares. The harness calls it once per time slice, so
 * the one megamorphic call per slice costs nothing measurable against a millisecond of work.
 */
@FunctionalInterface
interface Kernel {

    /**
     * Runs the loop.
     *
     * @param iterations how many rounds of the pattern
     * @return a value folded from every read (0 for writes), so no read is dead code
     */
    long run(long iterations);
}
