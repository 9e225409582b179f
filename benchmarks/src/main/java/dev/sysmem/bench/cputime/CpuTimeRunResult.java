package dev.sysmem.bench.cputime;

import java.util.List;

/**
 * A whole {@link CpuTimeRun} as it is kept in {@code results/<date>-<name>.json}: how it was run
 * and every fork's raw rounds, from which {@link CpuTimeTable} renders the table again.
 *
 * @param name     the run's name
 * @param set      the contender set: {@code access} or {@code mapped}
 * @param started  local start time, ISO-8601
 * @param machine  CPU model and core count
 * @param forkArgs the JVM flags every fork ran with
 * @param forks    every fork's result, in the order they ran
 */
record CpuTimeRunResult(String name, String set, String started, String machine, List<String> forkArgs,
                        List<ForkResult> forks) {
}
