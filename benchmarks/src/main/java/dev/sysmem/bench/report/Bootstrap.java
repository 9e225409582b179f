package dev.sysmem.bench.report;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ratio of two benchmarks' medians with a 95% interval from a two-level bootstrap: forks are
 * resampled, then iterations within each chosen fork. Iterations of one fork share that JVM's JIT
 * decisions and are not independent; resampling forks first keeps the fork-to-fork spread in the
 * interval instead of hiding it, which a bootstrap of pooled iterations would do.
 *
 * <p><b>Guarantees.</b> Deterministic: the same scores always give the same interval (the random
 * source is seeded), so a table re-rendered from a committed JSON file matches the committed one.
 */
final class Bootstrap {

    /** Resamples per interval: enough for stable 2.5% and 97.5% percentiles. */
    static final int RESAMPLES = 4000;

    private static final long SEED = 0x5157_4d45_4dL;

    private Bootstrap() {
    }

    /** The estimate and interval of {@code median(subject) / median(reference)}. */
    static Ratio ratio(List<double[]> subject, List<double[]> reference) {
        double point = median(flatten(subject)) / median(flatten(reference));
        SplittableRandom random = new SplittableRandom(SEED);
        double[] ratios = new double[RESAMPLES];
        for (int i = 0; i < RESAMPLES; i++) {
            ratios[i] = median(resample(subject, random)) / median(resample(reference, random));
        }
        Arrays.sort(ratios);
        return new Ratio(point, Quantile.ofSorted(ratios, 0.025), Quantile.ofSorted(ratios, 0.975));
    }

    private static double[] resample(List<double[]> forks, SplittableRandom random) {
        int total = 0;
        double[][] chosen = new double[forks.size()][];
        for (int f = 0; f < chosen.length; f++) {
            chosen[f] = forks.get(random.nextInt(forks.size()));
            total += chosen[f].length;
        }
        double[] out = new double[total];
        int n = 0;
        for (double[] fork : chosen) {
            for (int i = 0; i < fork.length; i++) {
                out[n++] = fork[random.nextInt(fork.length)];
            }
        }
        return out;
    }

    private static double[] flatten(List<double[]> forks) {
        return forks.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    /** The median; the mean of the two middle values for an even count. */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * A ratio of medians and its 95% bootstrap interval.
     *
     * @param value the ratio of the medians of all scores
     * @param low   the 2.5th percentile of the bootstrap ratios
     * @param high  the 97.5th percentile
     */
    record Ratio(double value, double low, double high) {
    }
}
