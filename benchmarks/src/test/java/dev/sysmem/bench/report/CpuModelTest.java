package dev.sysmem.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuModelTest {

    @Test
    void namesTheGenerationBesideAVagueModelName() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26", "model\t\t: 2",
                "model name\t: AMD EPYC", "stepping\t: 1", "", "processor\t: 1", "cpu family\t: 99");

        assertThat(CpuModel.describe(cpuinfo)).isEqualTo("AMD EPYC (family 26, model 2, stepping 1)");
    }

    @Test
    void withoutTheNumbersOnlyTheNameIsGiven() {
        assertThat(CpuModel.describe(List.of("model name\t: Some CPU"))).isEqualTo("Some CPU");
    }
}
