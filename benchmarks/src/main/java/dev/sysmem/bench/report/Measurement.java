package dev.sysmem.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    private static final ObjectMapper JSON = new ObjectMapper();

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
        JsonNode entries;
        try {
            entries = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JMH JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (entries == null || !entries.isArray()) {
            throw new IllegalArgumentException("not JMH JSON: the top level is not an array of results");
        }
        List<Measurement> out = new ArrayList<>();
        for (JsonNode entry : entries) {
            out.add(of(entry));
        }
        return out;
    }

    private static Measurement of(JsonNode entry) {
        String benchmark = text(entry, "benchmark");
        Map<String, String> params = new TreeMap<>();
        entry.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
        JsonNode primary = entry.path("primaryMetric");
        JsonNode rawForks = primary.path("rawData");
        if (!rawForks.isArray()) {
            throw new IllegalArgumentException("not JMH JSON: " + benchmark + " has no primaryMetric.rawData");
        }
        List<double[]> forks = new ArrayList<>();
        for (JsonNode fork : rawForks) {
            if (!fork.isArray()) {
                throw new IllegalArgumentException("not JMH JSON: rawData of " + benchmark + " is not a list of lists");
            }
            double[] scores = new double[fork.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = number(fork.get(i), benchmark);
            }
            forks.add(scores);
        }
        return new Measurement(benchmark, text(entry, "mode"), params, text(primary, "scoreUnit"), forks,
                entry.path("jdkVersion").asText("unknown"));
    }

    private static String text(JsonNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("not JMH JSON: member '" + name + "' is missing or not a string");
        }
        return value.asText();
    }

    /** JMH writes scores as numbers, and as the strings "NaN" or "Infinity" where a double has no JSON form. */
    private static double number(JsonNode value, String benchmark) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isTextual()) {
            try {
                return Double.parseDouble(value.asText());
            } catch (NumberFormatException e) {
                // reported below, with the value
            }
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
