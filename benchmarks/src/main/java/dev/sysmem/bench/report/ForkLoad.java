package dev.sysmem.bench.report;

import java.util.List;
import java.util.Map;

/**
 * How loaded the machine was for each fork of one benchmark, as {@link BenchmarkRun} keeps it
 * beside the JMH JSON ({@code <date>-<name>.load.json}): JMH's JSON has no place for it.
 *
 * @param benchmark the fully qualified benchmark method
 * @param params    its {@code @Param} values
 * @param loads     the 1-minute load average before each of its forks, in the order they ran
 * @param otherCpus the CPUs other processes used on average during each fork ({@link MachineShare});
 *                  {@code null} in files written before it was measured
 * @param stealCpus the CPUs the hypervisor gave to other guests on average during each fork;
 *                  {@code null} in files written before it was measured
 */
public record ForkLoad(String benchmark, Map<String, String> params, List<Double> loads, List<Double> otherCpus,
                       List<Double> stealCpus) {

    /** Whether this benchmark's forks have their share measured, not only the load average. */
    public boolean hasShare() {
        return otherCpus != null && stealCpus != null && otherCpus.size() == loads.size() && stealCpus.size() == loads.size();
    }

    /**
     * All fork loads of one run, with the thresholds above which a fork is flagged.
     *
     * @param threshold    the 1-minute load average above which a fork counts as loaded, for
     *                     forks without a measured share
     * @param maxOtherCpus the CPUs others (processes and steal together) may use during a fork
     *                     before it counts as loaded; 0 in files written before it was measured
     * @param forks        one entry per benchmark and parameter set
     */
    public record Run(double threshold, double maxOtherCpus, List<ForkLoad> forks) {
    }
}
