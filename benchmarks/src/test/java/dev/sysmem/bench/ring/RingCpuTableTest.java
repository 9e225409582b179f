package dev.sysmem.bench.ring;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingCpuTableTest {

    private static final List<String> NAMES = List.of("virtqueue", "virtqueue, IN_ORDER", "Agrona", "JCTools");

    /** One JVM's rounds: each contender a constant ns per buffer, the same in every round. */
    private static RingCpuRun jvm(double virtqueue, double inOrder, double agrona, double jctools) {
        int rounds = 5;
        double[][] ns = new double[4][rounds];
        double[] each = {virtqueue, inOrder, agrona, jctools};
        for (int c = 0; c < 4; c++) {
            java.util.Arrays.fill(ns[c], each[c]);
        }
        return new RingCpuRun(List.of(new RingCpuRun.Payload(64, NAMES, ns)));
    }

    @Test
    void oneJvmShowsThroughputRatiosAndTheirVerdicts() {
        String table = RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8)));

        // Agrona's 16 ns over the virtqueue's 40: 0.40, under the 0.5 bar; 30 ns: 0.53, over it.
        assertThat(table).contains("| virtqueue | 40.0 (40.0-40.0) | 0.40 (0.40-0.40) **missed** | 0.20 (0.20-0.20) **missed** |");
        assertThat(table).contains("| virtqueue, IN_ORDER | 30.0 (30.0-30.0) | 0.53 (0.53-0.53) met | 0.27 (0.27-0.27) **missed** |");
        // The references are not judged against each other.
        assertThat(table).contains("| Agrona | 16.0 (16.0-16.0) | — | 0.50 (0.50-0.50) |");
        assertThat(table).doesNotContain("JVMs:");
    }

    @Test
    void severalJvmsArePooledWithEachJvmsMedianBeside() {
        String table = RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8), jvm(30, 30, 16, 8), jvm(32, 30, 16, 8)));

        // Ratios 0.40, 0.53, 0.50, five rounds each: the pooled median is 0.50, met; the spread holds the bar.
        assertThat(table).contains("| virtqueue | 32.0 (30.0-40.0)<br>JVMs: 40.0, 30.0, 32.0 | 0.50 (0.40-0.53) met †<br>JVMs: 0.40, 0.53, 0.50 |");
    }

    @Test
    void jvmsThatMeasuredDifferentContendersAreRefused() {
        RingCpuRun other = new RingCpuRun(List.of(new RingCpuRun.Payload(64,
                List.of("virtqueue", "virtqueue, IN_ORDER", "Agrona", "something else"), new double[4][5])));
        assertThatThrownBy(() -> RingCpuTable.markdown(List.of(jvm(40, 30, 16, 8), other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("something else");
    }
}
