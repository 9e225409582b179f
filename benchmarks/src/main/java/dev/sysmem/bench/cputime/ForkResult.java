package dev.sysmem.bench.cputime;

import java.util.List;

/**
 * What one forked JVM measured, as it writes it to JSON for {@link CpuTimeRun}: every contender's
 * CPU time per access in every round, rounds in the order they ran.
 *
 * @param config      which contenders and modes ran in this JVM, e.g. {@code clean OPAQUE} or {@code mixed}
 * @param fork        1-based number of this JVM among the forks of the same configuration
 * @param sliceMicros the target length of one contender's time slice
 * @param loadBefore  the 1-minute load average when the fork started measuring
 * @param loadAfter   the 1-minute load average when it finished
 * @param jvm         JDK version and VM name
 * @param kernels     one entry per contender and cell
 */
record ForkResult(String config, int fork, long sliceMicros, double loadBefore, double loadAfter, String jvm,
                  List<KernelResult> kernels) {

    /**
     * One contender's rounds.
     *
     * @param contender   who made the accesses
     * @param cell        what was accessed, e.g. {@code u32 opaque read x16}
     * @param iterations  loop iterations per slice, calibrated in the warm-up and then fixed
     * @param nsPerAccess thread CPU time per access in each measured round
     */
    record KernelResult(String contender, String cell, long iterations, double[] nsPerAccess) {
    }
}
