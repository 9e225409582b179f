package dev.sysmem.bench.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantileTest {

    @Test
    void interpolatesLinearlyBetweenOrderStatistics() {
        assertThat(Quantile.ofSorted(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.1)).isEqualTo(2.0);
        assertThat(Quantile.of(new double[] {4, 1, 3, 2}, 0.5)).as("an even count: the middle two's mean").isEqualTo(2.5);
        assertThat(Quantile.of(new double[] {10, 0}, 0.9)).isEqualTo(9.0);
        assertThat(Quantile.of(new double[] {7}, 0.1)).isEqualTo(7.0);
    }

    @Test
    void noValuesOrAQuantileOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> Quantile.of(new double[0], 0.5)).hasMessageContaining("no values to take the 0.5 quantile");
        assertThatThrownBy(() -> Quantile.of(new double[] {1}, 1.5)).hasMessageContaining("between 0 and 1, not 1.5");
        assertThatThrownBy(() -> Quantile.of(new double[] {1}, Double.NaN)).hasMessageContaining("not NaN");
    }
}
