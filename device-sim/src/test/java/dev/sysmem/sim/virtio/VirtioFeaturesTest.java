package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Feature negotiation: the driver gets only what the device offered and it accepted. */
class VirtioFeaturesTest {

    @Test
    void negotiationKeepsTheBitsBothSidesSet() {
        VirtioFeatures offered = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, RamDisk.F_FLUSH);
        VirtioFeatures withEventIdx = VirtioFeatures.negotiate(offered,
                VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.INDIRECT_DESC));
        assertThat(withEventIdx.eventIdx()).isTrue();
        assertThat(withEventIdx.has(VirtioFeatures.INDIRECT_DESC)).isFalse();   // never offered
        assertThat(withEventIdx.has(RamDisk.F_FLUSH)).isFalse();                // not accepted
        assertThat(withEventIdx).isEqualTo(VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX));

        VirtioFeatures withoutEventIdx = VirtioFeatures.negotiate(offered, VirtioFeatures.of(VirtioFeatures.VERSION_1));
        assertThat(withoutEventIdx.eventIdx()).isFalse();
        assertThat(withoutEventIdx.has(VirtioFeatures.VERSION_1)).isTrue();
    }

    @Test
    void bitNumbersAreTheSpecs() {
        assertThat(VirtioFeatures.of(VirtioFeatures.EVENT_IDX).bits()).isEqualTo(1L << 29);
        assertThat(VirtioFeatures.of(VirtioFeatures.INDIRECT_DESC).bits()).isEqualTo(1L << 28);
        assertThat(VirtioFeatures.of(VirtioFeatures.VERSION_1).bits()).isEqualTo(1L << 32);
        assertThat(VirtioFeatures.of(VirtioFeatures.EVENT_IDX, VirtioFeatures.VERSION_1))
                .hasToString("VirtioFeatures[EVENT_IDX, VERSION_1]");
        assertThatThrownBy(() -> VirtioFeatures.of(64)).hasMessageContaining("feature bit 64");
    }
}
