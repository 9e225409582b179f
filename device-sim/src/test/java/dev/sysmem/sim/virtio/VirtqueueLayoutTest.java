package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The split virtqueue's parts, sizes and alignments: VIRTIO 1.x "Split Virtqueues" table. */
class VirtqueueLayoutTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 128, 256, 1024, 32768})
    void partSizesFollowTheSpecTable(int qs) {
        assertThat(VirtqueueLayout.descriptorTableSize(qs)).isEqualTo(16L * qs);
        assertThat(VirtqueueLayout.availableRingSize(qs)).isEqualTo(6 + 2L * qs);
        assertThat(VirtqueueLayout.usedRingSize(qs)).isEqualTo(6 + 8L * qs);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 128, 256, 1024, 32768})
    void contiguousLayoutAlignsEveryPartAndPacksThemTightly(int qs) {
        for (long base : new long[] {0, 1, 3, 17, 4096, 4097}) {
            VirtqueueLayout layout = VirtqueueLayout.contiguous(qs, base);
            assertThat(layout.descriptorTable() % 16).isZero();
            assertThat(layout.availableRing() % 2).isZero();
            assertThat(layout.usedRing() % 4).isZero();
            assertThat(layout.descriptorTable()).isBetween(base, base + 15);
            assertThat(layout.availableRing()).isEqualTo(layout.descriptorTable() + 16L * qs);
            long availEnd = layout.availableRing() + 6 + 2L * qs;
            assertThat(layout.usedRing()).isBetween(availEnd, availEnd + 3);
            assertThat(layout.end()).isEqualTo(layout.usedRing() + 6 + 8L * qs);
        }
    }

    @Test
    void fieldAddressesMatchTheStructs() {
        VirtqueueLayout layout = VirtqueueLayout.contiguous(4, 0);
        // desc[4] = 64 bytes; avail = flags, idx, ring[4], used_event = 12 bytes at 64; used at 76 (already 4-aligned)
        assertThat(layout.descriptor(3)).isEqualTo(48);
        assertThat(layout.availFlags()).isEqualTo(64);
        assertThat(layout.availIdx()).isEqualTo(66);
        assertThat(layout.availRing(0)).isEqualTo(68);
        assertThat(layout.availRing(3)).isEqualTo(74);
        assertThat(layout.usedEvent()).isEqualTo(76);
        assertThat(layout.usedRing()).isEqualTo(80);
        assertThat(layout.usedFlags()).isEqualTo(80);
        assertThat(layout.usedIdx()).isEqualTo(82);
        assertThat(layout.usedElement(0)).isEqualTo(84);
        assertThat(layout.usedElement(3)).isEqualTo(108);
        assertThat(layout.availEvent()).isEqualTo(116);
        assertThat(layout.end()).isEqualTo(118);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6, 100, 1000, 32767})
    void queueSizeMustBeAPowerOfTwo(int qs) {
        assertThatThrownBy(() -> VirtqueueLayout.contiguous(qs, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("virtqueue size " + qs)
                .hasMessageContaining("not a power of two");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -4, 65536, 32769, Integer.MIN_VALUE})
    void queueSizeMustLieBetweenOneAnd32768(int qs) {
        assertThatThrownBy(() -> VirtqueueLayout.contiguous(qs, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("virtqueue size " + qs)
                .hasMessageContaining("1 to 32768");
    }

    @Test
    void separatePartsMustBeAligned() {
        assertThatThrownBy(() -> VirtqueueLayout.of(8, 0x1008, 0x2000, 0x3000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("descriptor table at 0x1008")
                .hasMessageContaining("multiple of 16");
        assertThatThrownBy(() -> VirtqueueLayout.of(8, 0x1000, 0x2001, 0x3000))
                .hasMessageContaining("available ring at 0x2001")
                .hasMessageContaining("multiple of 2");
        assertThatThrownBy(() -> VirtqueueLayout.of(8, 0x1000, 0x2000, 0x3002))
                .hasMessageContaining("used ring at 0x3002")
                .hasMessageContaining("multiple of 4");
        VirtqueueLayout ok = VirtqueueLayout.of(8, 0x1000, 0x2002, 0x3004);
        assertThat(ok.availableRing()).isEqualTo(0x2002);
        assertThat(ok.end()).isEqualTo(0x3004 + 6 + 64);
    }

    @Test
    void separatePartsMustNotOverlap() {
        // desc of QS 8 is 128 bytes: [0x1000, 0x1080)
        assertThatThrownBy(() -> VirtqueueLayout.of(8, 0x1000, 0x1040, 0x3000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("descriptor table [0x1000, 0x1080) overlaps the available ring");
        // avail of QS 8 is 22 bytes: [0x2000, 0x2016)
        assertThatThrownBy(() -> VirtqueueLayout.of(8, 0x1000, 0x2000, 0x2014))
                .hasMessageContaining("available ring [0x2000, 0x2016) overlaps the used ring");
        assertThatThrownBy(() -> VirtqueueLayout.of(8, -16, 0x2000, 0x3000))
                .hasMessageContaining("descriptor table at 0x");
    }
}
