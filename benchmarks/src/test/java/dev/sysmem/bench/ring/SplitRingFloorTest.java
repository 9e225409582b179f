package dev.sysmem.bench.ring;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/** The floor does the work it stands for: every pass carries each payload through the ring to the device side. */
class SplitRingFloorTest {

    @ParameterizedTest
    @ValueSource(ints = {64, 4096})
    void passesCarryThePayloadThroughTheRing(int payload) {
        try (SplitRingFloor floor = new SplitRingFloor(payload)) {
            // Over the 16-bit index wrap: 300 passes of 256 buffers.
            floor.pass(300);
            byte[] delivered = floor.delivered().toArray(ValueLayout.JAVA_BYTE);
            byte[] expected = new byte[payload];
            for (int i = 0; i < payload; i++) {
                expected[i] = (byte) i;
            }
            assertThat(delivered).isEqualTo(expected);
        }
    }
}
