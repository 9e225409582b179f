package dev.sysmem.bench.report;

import java.util.List;
import java.util.Map;

/**
 * The machine's load when each fork of one benchmark started, as {@link BenchmarkRun} keeps it
 * beside the JMH JSON ({@code <date>-<name>.load.json}): JMH's JSON has no place for it.
 *
 * @param benchmark the fully qualified benchmark method
 * @param params    its {@code @Param} values
 * @param loads     the 1-minute load average before each of its forks, in the order they ran
 */
public record ForkLoad(String benchmark, Map<String, String> params, List<Double> loads) {

    /**
     * All fork loads of one run, with the threshold above which a fork is flagged.
     *
     * @param threshold the 1-minute load average above which a fork counts as loaded
     * @param forks     one entry per benchmark and parameter set
     */
    public record Run(double threshold, List<ForkLoad> forks) {
    }
}
