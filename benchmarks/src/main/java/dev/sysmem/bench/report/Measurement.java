package dev.sysmem.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One benchmark's result as JMH wrote it to JSON: which benchmark and parameters, the mode and
 * unit, and every measured iteration score grouped by fork.
 *
 * <p><b>Invariants.</b> There is at least one fork and every fork has at least one iteration; the
 * raw scores are kept as measured, so medians and intervals are computed from them, never from
 * JMH's mean and normal-theory error.
 *
 * @param benchmark  the fully qualified benchmark method, e.g. {@code dev.sysmem.bench.access.SysMemAccess.read32Opaque}
 * @param mode       JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample}, {@code ss}
 * @param params     the {@code @Param} values, by name (sorted)
 * @param unit       the score unit, e.g. {@code ns/op}
 * @param forks      the iteration scores of each fork
 * @param jdkVersion the JDK the forks ran on
 */
public record Measurement(String benchmark, String mode, Map<String, String> params, String unit,
                          List<double[]> forks, String jdkVersion) {

    /** Checks the invariants. */
    public Measurement {
        Objects.requireNonNull(benchmark, "benchmark");
        params = Map.copyOf(new TreeMap<>(params));
        forks = List.copyOf(forks);
        if (forks.isEmpty() || forks.stream().anyMatch(f -> f.length == 0)) {
            throw new IllegalArgumentException("benchmark " + benchmark + " has no measured iterations");
        }
    }

    /** Reads every entry of a JMH JSON result file's content. */
    public static List<Measurement> parseAll(String json) {
        if (!(Json.parse(json) instanceof List<?> entries)) {
            throw new IllegalArgumentException("not JMH JSON: the top level is not an array of results");
        }
        List<Measurement> out = new ArrayList<>();
        for (Object entry : entries) {
            out.add(of(asObject(entry, "a result")));
        }
        return out;
    }

    private static Measurement of(Map<String, Object> entry) {
        String benchmark = text(entry, "benchmark");
        Map<String, String> params = new TreeMap<>();
        if (entry.get("params") instanceof Map<?, ?> given) {
            given.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Map<String, Object> primary = asObject(entry.get("primaryMetric"), "primaryMetric of " + benchmark);
        if (!(primary.get("rawData") instanceof List<?> rawForks)) {
            throw new IllegalArgumentException("not JMH JSON: " + benchmark + " has no primaryMetric.rawData");
        }
        List<double[]> forks = new ArrayList<>();
        for (Object fork : rawForks) {
            if (!(fork instanceof List<?> scores)) {
                throw new IllegalArgumentException("not JMH JSON: rawData of " + benchmark + " is not a list of lists");
            }
            forks.add(scores.stream().mapToDouble(s -> number(s, benchmark)).toArray());
        }
        return new Measurement(benchmark, text(entry, "mode"), params, text(primary, "scoreUnit"), forks,
                String.valueOf(entry.getOrDefault("jdkVersion", "unknown")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not JMH JSON: expected an object for " + what);
        }
        return (Map<String, Object>) value;
    }

    private static String text(Map<String, Object> object, String name) {
        if (!(object.get(name) instanceof String s)) {
            throw new IllegalArgumentException("not JMH JSON: member '" + name + "' is missing or not a string");
        }
        return s;
    }

    private static double number(Object value, String benchmark) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof String s) {
            return Double.parseDouble(s);
        }
        throw new IllegalArgumentException("not JMH JSON: a raw score of " + benchmark + " is not a number: " + value);
    }

    /** The benchmark's class, without the package: {@code SysMemAccess}. */
    public String className() {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? "" : parts[parts.length - 2];
    }

    /** The benchmark method's name: {@code read32Opaque}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Whether a higher score is better (throughput) rather than a lower one (time per operation). */
    public boolean higherIsBetter() {
        return mode.equals("thrpt");
    }

    /** Every iteration score of every fork, in one array. */
    public double[] pooled() {
        return forks.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    /** The median of all iteration scores. */
    public double median() {
        return Bootstrap.median(pooled());
    }

    /** The best iteration score: the lowest time, or the highest throughput. */
    public double best() {
        double[] all = pooled();
        double best = all[0];
        for (double v : all) {
            best = higherIsBetter() ? Math.max(best, v) : Math.min(best, v);
        }
        return best;
    }

    @Override
    public String toString() {
        return benchmark + (params.isEmpty() ? "" : params.toString()) + " " + mode + " median " + median() + " " + unit;
    }
}
