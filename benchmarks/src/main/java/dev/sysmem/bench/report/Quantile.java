package dev.sysmem.bench.report;

import java.util.Arrays;

/**
 * Quantiles as every table of the benchmarks reports them: linear interpolation between order
 * statistics (the definition numpy and R use by default), so a median of an even count is the mean
 * of the middle two and a p10 of 11 values is the second smallest.
 */
public final class Quantile {

    private Quantile() {
    }

    /** The {@code q} quantile of {@code values}, in any order (a sorted copy is taken). */
    public static double of(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return ofSorted(sorted, q);
    }

    /**
     * The {@code q} quantile of {@code sorted}, which must be in ascending order.
     *
     * @throws IllegalArgumentException if there are no values or {@code q} is outside [0, 1]
     */
    public static double ofSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values to take the " + q + " quantile of");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile is between 0 and 1, not " + q);
        }
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
