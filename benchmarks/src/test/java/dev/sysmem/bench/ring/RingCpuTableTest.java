package dev.sysmem.bench.ring;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingCpuTableTest {

    private static final List<String> NAMES = List.of("virtqueue", "virtqueue, IN_ORDER", "Agrona", "JCTools", "floor");

    /** One JVM's rounds: each contender a constant ns per buffer, the same in every round; the floor at 12 ns. */
    private static RingCpuRun jvm(double virtqueue, double inOrder, double agrona, double jctools) {
        return jvm(virtqueue, inOrder, agrona, jctools, 12);
    }

    private static RingCpuRun jvm(double virtqueue, double inOrder, double agrona, double jctools, double floor) {
        return new RingCpuRun(List.of(payload(64, NAMES, virtqueue, inOrder, agrona, jctools, floor)));
    }

    /** Five rounds of {@code size}-byte buffers: contender c at {@code nsEach[c]} in every round. */
    private static RingCpuRun.Payload payload(int size, List<String> names, double... nsEach) {
        double[][] ns = new double[nsEach.length][5];
        for (int c = 0; c < nsEach.length; c++) {
            java.util.Arrays.fill(ns[c], nsEach[c]);
        }
        return new RingCpuRun.Payload(size, names, ns);
    }

    @Test
    void oneJvmShowsThroughputRatiosAndTheirVerdicts() {
        String table = RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8)));

        // Agrona's 16 ns over the virtqueue's 40: 0.40, under the 0.5 bar; 30 ns: 0.53, over it.
        // The floor's 12 ns over the virtqueue's 40: 0.30 of the floor's throughput.
        assertThat(table).contains("| virtqueue | 40.0 (40.0-40.0) | 0.40 (0.40-0.40) **missed** | 0.20 (0.20-0.20) **missed** | 0.30 (0.30-0.30) |");
        assertThat(table).contains("| virtqueue, IN_ORDER | 30.0 (30.0-30.0) | 0.53 (0.53-0.53) met | 0.27 (0.27-0.27) **missed** | 0.40 (0.40-0.40) |");
        // The references are not judged against each other.
        assertThat(table).contains("| Agrona | 16.0 (16.0-16.0) | — | 0.50 (0.50-0.50) | — |");
        assertThat(table).doesNotContain("JVMs:");
    }

    @Test
    void severalJvmsArePooledWithEachJvmsMedianBeside() {
        String table = RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8), jvm(30, 30, 16, 8), jvm(32, 30, 16, 8)));

        // Ratios 0.40, 0.53, 0.50, five rounds each: the pooled median is 0.50, met; the spread holds the bar.
        assertThat(table).contains("| virtqueue | 32.0 (30.0-40.0)<br>JVMs: 40.0, 30.0, 32.0 | 0.50 (0.40-0.53) met †<br>JVMs: 0.40, 0.53, 0.50 |");
    }

    @Test
    void theFloorSaysWhichBarsAnyVirtqueueCouldMeet() {
        // Floor 12 ns: 16/12 = 1.33 × Agrona (the 0.5 bar within reach), 8/12 = 0.67 × JCTools (out of reach).
        String belowJctools = RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8)));
        assertThat(belowJctools).contains("| floor | 12.0 (12.0-12.0) | 1.33 (1.33-1.33) (bar within reach) | "
                + "0.67 (0.67-0.67) (**bar out of reach**) | — |");

        // A floor of 6 ns would leave both bars within reach.
        String aboveBoth = RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8, 6)));
        assertThat(aboveBoth).contains("| floor | 6.00 (6.00-6.00) | 2.67 (2.67-2.67) (bar within reach) | "
                + "1.33 (1.33-1.33) (bar within reach) | — |");
    }

    @Test
    void onlyTheBarsSizesAreJudgedAgainstAgrona() {
        String table = RingCpuTable.markdown(List.of(new RingCpuRun(List.of(
                payload(4096, NAMES, 40, 30, 16, 8, 12), payload(1024, NAMES, 40, 30, 16, 8, 12)))));

        assertThat(table).contains("### 4096 B payload\n\n| contender | ns per buffer (CPU) | / Agrona (bar ≥ 0.9) |");
        assertThat(table).contains("| virtqueue | 40.0 (40.0-40.0) | 0.40 (0.40-0.40) **missed** |");
        assertThat(table).contains("### 1024 B payload\n\n| contender | ns per buffer (CPU) | / Agrona (no bar) |");
        // The same ratio unjudged against Agrona, still judged against JCTools.
        assertThat(table).contains("| virtqueue | 40.0 (40.0-40.0) | 0.40 (0.40-0.40) | 0.20 (0.20-0.20) **missed** |");
    }

    @Test
    void comparedBuildsAreSetBesideThisBuildsQueueOfTheSameMode() {
        List<String> names = List.of("virtqueue", "virtqueue, IN_ORDER", "Agrona", "JCTools", "floor",
                "virtqueue old", "virtqueue old, IN_ORDER");
        String table = RingCpuTable.markdown(List.of(new RingCpuRun(List.of(payload(64, names, 40, 30, 16, 8, 12, 50, 60)))));

        // The old plain queue against this build's plain one (40/50), the old IN_ORDER against IN_ORDER (30/60).
        assertThat(table).contains("| virtqueue old | 50.0 (50.0-50.0) | 0.32 (0.32-0.32) **missed** | 0.16 (0.16-0.16) **missed** "
                + "| 0.24 (0.24-0.24) | 0.80 (0.80-0.80) |");
        assertThat(table).contains("| virtqueue old, IN_ORDER | 60.0 (60.0-60.0) | 0.27 (0.27-0.27) **missed** | 0.13 (0.13-0.13) **missed** "
                + "| 0.20 (0.20-0.20) | 0.50 (0.50-0.50) |");
    }

    @Test
    void jvmsThatMeasuredDifferentContendersAreRefused() {
        RingCpuRun other = new RingCpuRun(List.of(new RingCpuRun.Payload(64,
                List.of("virtqueue", "virtqueue, IN_ORDER", "Agrona", "something else", "floor"), new double[5][5])));
        assertThatThrownBy(() -> RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8), other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("something else");
    }
}
