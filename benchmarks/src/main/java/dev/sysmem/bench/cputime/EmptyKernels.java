package dev.sysmem.bench.cputime;

import java.util.List;

/**
 * The empty baseline: the loops of the access contenders with the access taken out. What it
 * measures per "access" is what the harness and the loop itself cost (the time-slice bookkeeping
 * spread over a slice's iterations, the loop counter): it shows that the harness adds nothing
 * that could decide a ratio. The JIT may fold these loops entirely; that is the point of an
 * empty baseline, not a fault of it.
 */
final class EmptyKernels {

    static final String CONTENDER = "empty loop";

    private long offset;

    EmptyKernels(long offset) {
        this.offset = offset;
    }

    /** A 16-step loop and a single step, as the access loops have. */
    List<TimedKernel> kernels() {
        return List.of(new TimedKernel(CONTENDER, "no access x16", null, 16, this::loop16),
                new TimedKernel(CONTENDER, "no access x1", null, 1, this::single));
    }

    private long loop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += offset + k;
            }
        }
        return sink;
    }

    private long single(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += offset;
        }
        return sink;
    }
}
