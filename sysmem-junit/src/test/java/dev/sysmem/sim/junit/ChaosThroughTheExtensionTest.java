package dev.sysmem.sim.junit;

import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.sim.chaos.ChaosDevice;
import dev.sysmem.sim.remote.ChaosKind;
import dev.sysmem.sim.remote.DeviceKind;
import org.junit.jupiter.api.Test;

import static dev.sysmem.testing.Awaits.soon;
import static org.assertj.core.api.Assertions.assertThat;

/** A factory method's options reach the device the extension starts: the chaos kind, configured in Java. */
class ChaosThroughTheExtensionTest {

    static DeviceKind seededChaos() {
        return new ChaosKind(ChaosKind.Options.builder().seed(7).widths(Width.U32).offsets(0x100, 0x200)
                .stuckBits(0x1, 0).writeLimit(50).build());
    }

    @Test
    @SimulatedDevice(factory = "seededChaos")
    void theFactorysOptionsConfigureTheDevice(ChaosDevice chaos, SysMem region) {
        assertThat(chaos.seed()).isEqualTo(7);
        soon().until(() -> chaos.writes() == 50);
        for (long offset = 0; offset < region.size(); offset += 8) {
            long word = region.read64(offset);
            if (offset < 0x100 || offset >= 0x200) {
                assertThat(word).as("untouched word at 0x%x", offset).isZero();
            } else {
                assertThat(word & 1).as("stuck bit 0 of the word at 0x%x", offset).isEqualTo(1);
            }
        }
    }
}
