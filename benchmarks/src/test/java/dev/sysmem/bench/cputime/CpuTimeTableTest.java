package dev.sysmem.bench.cputime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The CPU-time table takes each ratio within one round of one fork, and reports the median and
 * the 10th and 90th percentiles of those ratios, with the bar of loops (≤ 1.05) and of single
 * accesses (≤ 1.10) applied by the median.
 */
class CpuTimeTableTest {

    private static ForkResult fork(String config, int number, double[] sysmem, double[] raw, String cell) {
        return new ForkResult(config, number, 1000, 1.0, 1.5, "25 test", List.of(
                new ForkResult.KernelResult("SysMem", cell, 100, sysmem),
                new ForkResult.KernelResult("raw VarHandle", cell, 100, raw)));
    }

    private static CpuTimeRunResult run(ForkResult... forks) {
        return new CpuTimeRunResult("test", "access", "2026-12-02 03:00", "test machine", List.of(), List.of(forks));
    }

    @Test
    void ratiosAreTakenWithinARoundSoDriftBetweenRoundsCancels() {
        // The machine slows down tenfold between rounds; within each round SysMem costs 1.02x raw.
        double[] raw = {1, 10, 2, 20, 1};
        double[] sysmem = {1.02, 10.2, 2.04, 20.4, 1.02};
        CpuTimeTable table = new CpuTimeTable(run(fork("clean OPAQUE", 1, sysmem, raw, "u32 opaque read x16")));

        CpuTimeTable.Ratio r = table.ratio("clean", "u32 opaque read x16", CpuTimeTable.ACCESS.getFirst()).orElseThrow();
        assertThat(r.median()).isCloseTo(1.02, within(1e-9));
        assertThat(r.p10()).isCloseTo(1.02, within(1e-9));
        assertThat(r.p90()).isCloseTo(1.02, within(1e-9));
        assertThat(r.rounds()).isEqualTo(5);
        assertThat(table.markdown()).contains("1.02 [1.02, 1.02] met");
    }

    @Test
    void percentilesAndPerForkMediansComeFromTheRawRounds() {
        double[] raw = {1, 1, 1, 1, 1};
        ForkResult first = fork("mixed", 1, new double[]{1.0, 1.1, 1.2, 1.3, 1.4}, raw, "u32 opaque read x1");
        ForkResult second = fork("mixed", 2, new double[]{1.5, 1.6, 1.7, 1.8, 1.9}, raw, "u32 opaque read x1");
        CpuTimeTable table = new CpuTimeTable(run(first, second));

        CpuTimeTable.Ratio r = table.ratio("mixed", "u32 opaque read x1", CpuTimeTable.ACCESS.getFirst()).orElseThrow();
        // ten ratios 1.0 .. 1.9: median 1.45, p10 at position 0.9 -> 1.09, p90 at position 8.1 -> 1.81
        assertThat(r.median()).isCloseTo(1.45, within(1e-9));
        assertThat(r.p10()).isCloseTo(1.09, within(1e-9));
        assertThat(r.p90()).isCloseTo(1.81, within(1e-9));
        assertThat(r.perFork()).containsExactly(new double[]{1.2, 1.7}, within(1e-9));
        assertThat(table.ratio("clean", "u32 opaque read x1", CpuTimeTable.ACCESS.getFirst())).isEmpty();
    }

    @Test
    void loopsAndSingleAccessesHaveTheirOwnBars() {
        double[] raw = {1, 1, 1};
        double[] sysmem = {1.07, 1.07, 1.07};
        CpuTimeTable table = new CpuTimeTable(run(fork("clean OPAQUE", 1, sysmem, raw, "u32 opaque read x16"),
                fork("clean PLAIN", 1, sysmem, raw, "u32 plain read x1")));
        String md = table.markdown();

        assertThat(md).contains("| u32 opaque read x16 |").contains("1.07 [1.07, 1.07] **missed**");
        assertThat(md).contains("| u32 plain read x1 |").contains("1.07 [1.07, 1.07] met");
        assertThat(md).contains("SysMem / raw VarHandle: bar met in 1 of 2 cells");
    }

    @Test
    void calibrationAimsAtTheSliceAndMovesAtMostFourfold() {
        assertThat(CpuTimeFork.calibrate(1000, 500_000, 1_000_000)).isEqualTo(2000);
        assertThat(CpuTimeFork.calibrate(1000, 1, 1_000_000)).isEqualTo(4000);
        assertThat(CpuTimeFork.calibrate(1000, 100_000_000, 1_000_000)).isEqualTo(250);
        assertThat(CpuTimeFork.calibrate(1, 100_000_000, 1_000_000)).isEqualTo(1);
    }
}
