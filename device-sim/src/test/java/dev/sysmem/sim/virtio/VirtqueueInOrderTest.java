package dev.sysmem.sim.virtio;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Descriptors written only when they change, and {@code VIRTIO_F_IN_ORDER} on both sides, against
 * VIRTIO 1.x: "In-order use of descriptors" (one used element per batch, at the batch's first slot,
 * naming its last chain; the skipped chains used in full), the split ring's "driver uses
 * descriptors in ring order ... next x + 1, 0 for the last descriptor in the table", and "If
 * VIRTIO_F_IN_ORDER has been negotiated, a device MUST use buffers in the same order in which they
 * have been available". Each refusal has a control beside it that the same side accepts, so that
 * a check refusing everything would fail here too.
 */
class VirtqueueInOrderTest {

    private static final VirtioFeatures PLAIN = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
    private static final VirtioFeatures IN_ORDER =
            VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.IN_ORDER);
    private static final int QS = 8;

    /** A driver and a device on one queue, both following {@code features}, stepped by the test. */
    private static final class Pair implements AutoCloseable {
        final SharedMemory memory = SharedMemory.anonymous(1 << 16);
        final SysMem guest = memory.io("guest");
        final VirtqueueLayout layout = VirtqueueLayout.contiguous(QS, 0);
        final long buffers = 0x1000;
        final VirtqueueDriver driver;
        final VirtqueueDevice device;
        final List<long[]> completed = new ArrayList<>();

        Pair(VirtioFeatures features) {
            driver = VirtqueueDriver.create("q", guest, layout, features, () -> { });
            device = VirtqueueDevice.attach("q", guest, layout, features, new Echo(), () -> { });
        }

        /** Adds a request of {@code request} bytes with room for {@code reply} bytes back. */
        int request(int n, int request, int reply) {
            return driver.add(buffers + 0x100L * n, request, buffers + 0x100L * n + 0x80, reply);
        }

        int harvest() {
            return driver.harvest((head, len) -> completed.add(new long[] {head, len}));
        }

        long usedId(int slot) {
            return Integer.toUnsignedLong(guest.read32(layout.usedElement(slot)));
        }

        long usedLen(int slot) {
            return Integer.toUnsignedLong(guest.read32(layout.usedElement(slot) + 4));
        }

        @Override
        public void close() {
            memory.close();
        }
    }

    // ---- descriptors written once ----------------------------------------------------------

    @Test
    void aDescriptorFieldThatAlreadyHoldsTheValueIsNotWrittenAgain() {
        try (Pair q = new Pair(PLAIN)) {
            int head = q.request(0, 16, 16);
            long writesFirst = q.driver.descriptorWrites();
            assertThat(writesFirst).as("addr, len, flags+next of two descriptors").isEqualTo(6);
            q.device.processAvailable();
            assertThat(q.harvest()).isEqualTo(1);

            // Mark the len word: if the driver wrote it again with the same value, the mark would go.
            long len = q.layout.descriptor(head) + 8;
            q.guest.write32(len, 0x5a5a);
            assertThat(q.request(0, 16, 16)).as("the same descriptors come back off the free list").isEqualTo(head);
            assertThat(q.guest.read32(len)).as("unchanged len not rewritten").isEqualTo(0x5a5a);
            assertThat(q.driver.descriptorWrites()).isEqualTo(writesFirst);
        }
    }

    @Test
    void aChangedFieldIsWrittenAndTheDeviceSeesIt() {
        try (Pair q = new Pair(PLAIN)) {
            int head = q.request(0, 16, 16);
            q.device.processAvailable();
            q.harvest();
            assertThat(q.request(1, 24, 16)).isEqualTo(head);
            long d = q.layout.descriptor(head);
            assertThat(q.guest.read64(d)).isEqualTo(q.buffers + 0x100);
            assertThat(q.guest.read32(d + 8)).isEqualTo(24);
            assertThat(q.driver.descriptorWrites()).as("6 at first, then addr and len of the first, addr of the second")
                    .isEqualTo(9);
            q.device.processAvailable();
            q.harvest();
            assertThat(q.completed.get(1)).containsExactly(head, 16);
        }
    }

    // ---- the driver with IN_ORDER ---------------------------------------------------------

    @Test
    void inOrderDriverUsesDescriptorsInRingOrderAndWrapsNextToZero() {
        try (Pair q = new Pair(IN_ORDER)) {
            long b = q.buffers;
            long[] three = {b, b + 0x100, b + 0x200};
            long[] lengths = {8, 8, 8};
            assertThat(q.driver.add(three, lengths, 2, 1)).isZero();
            assertThat(q.driver.add(three, lengths, 2, 1)).isEqualTo(3);
            q.device.processAvailable();
            q.harvest();
            // Descriptors 6, 7, 0: the chain wraps at the end of the table.
            assertThat(q.driver.add(three, lengths, 2, 1)).isEqualTo(6);
            assertThat(q.guest.read16(q.layout.descriptor(6) + 14)).isEqualTo(7);
            assertThat(q.guest.read16(q.layout.descriptor(7) + 14)).as("next after the last descriptor").isZero();
            assertThat(q.guest.read16(q.layout.descriptor(7) + 12)).isEqualTo(VirtqueueDevice.DESC_F_NEXT);
            assertThat(q.device.processAvailable()).as("the in-order device accepts the wrapped chain").isEqualTo(1);
            q.harvest();
            assertThat(q.completed).extracting(c -> c[0]).containsExactly(0L, 3L, 6L);
            assertThat(q.driver.freeDescriptors()).isEqualTo(QS);
        }
    }

    @Test
    void inOrderDriverRefusesAUsedElementForAChainPastWhatUsedIdxPublished() {
        try (Pair q = new Pair(IN_ORDER)) {
            assertThat(q.request(0, 16, 16)).isZero();
            assertThat(q.request(1, 16, 16)).isEqualTo(2);
            // The device completes the second request before the first: one element, used.idx + 1.
            new RawRing(q.guest, q.layout).pushUsed(2, 16);
            assertThatThrownBy(q::harvest)
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("used.ring[0] (used index 0) names the chain at head 2")
                    .hasMessageContaining("not among the 1 oldest chains in flight")
                    .hasMessageContaining("the oldest has head 0")
                    .hasMessageContaining("VIRTIO_F_IN_ORDER");
            assertThat(q.completed).as("nothing taken").isEmpty();
            assertThat(q.driver.chainsInFlight()).isEqualTo(2);
        }
    }

    @Test
    void withoutInOrderTheSameOutOfOrderCompletionIsAccepted() {
        try (Pair q = new Pair(PLAIN)) {
            q.request(0, 16, 16);
            int second = q.request(1, 16, 16);
            new RawRing(q.guest, q.layout).pushUsed(second, 16);
            assertThat(q.harvest()).isEqualTo(1);
            assertThat(q.completed).extracting(c -> c[0]).containsExactly((long) second);
        }
    }

    @Test
    void inOrderDriverReadsABatchFromOneElement() {
        try (Pair q = new Pair(IN_ORDER)) {
            q.request(0, 16, 16);
            q.request(1, 16, 32);
            q.request(2, 16, 40);
            // One element at slot 0 naming the last chain (head 4), 5 bytes written to it; used.idx 3.
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.pushUsed(4, 5);
            raw.usedIdx(3);
            assertThat(q.harvest()).isEqualTo(3);
            // The skipped chains count as written in full: 16 and 32 bytes.
            assertThat(q.completed).containsExactly(new long[] {0, 16}, new long[] {2, 32}, new long[] {4, 5});
            assertThat(q.driver.freeDescriptors()).isEqualTo(QS);
            assertThat(q.driver.lastUsedIdx()).isEqualTo(3);
        }
    }

    @Test
    void inOrderDriverRefusesABatchElementNamingAChainNotInFlight() {
        try (Pair q = new Pair(IN_ORDER)) {
            q.request(0, 16, 16);
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.pushUsed(1, 0);
            assertThatThrownBy(q::harvest)
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("names descriptor 1, which is not the head of a chain in flight");
        }
    }

    // ---- the device with IN_ORDER ---------------------------------------------------------

    @Test
    void inOrderDeviceWritesOneElementPerBatchAtItsFirstSlot() {
        try (Pair q = new Pair(IN_ORDER)) {
            for (int n = 0; n < 3; n++) {
                q.request(n, 16, 16);
            }
            assertThat(q.device.processAvailable()).isEqualTo(3);
            assertThat(q.guest.read16(q.layout.usedIdx())).isEqualTo(3);
            assertThat(q.usedId(0)).as("the batch's last chain").isEqualTo(4);
            assertThat(q.usedLen(0)).isEqualTo(16);
            assertThat(q.usedId(1)).as("skipped slots untouched").isZero();
            assertThat(q.usedLen(1)).isZero();
            assertThat(q.usedLen(2)).isZero();
            assertThat(q.harvest()).isEqualTo(3);
            assertThat(q.completed).containsExactly(new long[] {0, 16}, new long[] {2, 16}, new long[] {4, 16});
        }
    }

    @Test
    void aChainNotWrittenInFullEndsTheBatchWithItsOwnElement() {
        try (Pair q = new Pair(IN_ORDER)) {
            q.request(0, 16, 16);
            q.request(1, 8, 64);       // Echo writes 8 of 64 bytes
            q.request(2, 16, 16);
            q.request(3, 16, 16);
            assertThat(q.device.processAvailable()).isEqualTo(4);
            assertThat(q.usedId(0)).isEqualTo(2);
            assertThat(q.usedLen(0)).isEqualTo(8);
            assertThat(q.usedId(2)).isEqualTo(6);
            assertThat(q.usedLen(2)).isEqualTo(16);
            assertThat(q.harvest()).isEqualTo(4);
            assertThat(q.completed).containsExactly(new long[] {0, 16}, new long[] {2, 8}, new long[] {4, 16},
                    new long[] {6, 16});
        }
    }

    @Test
    void withoutInOrderTheDeviceWritesAnElementPerChain() {
        try (Pair q = new Pair(PLAIN)) {
            int[] heads = {q.request(0, 16, 16), q.request(1, 16, 16), q.request(2, 16, 16)};
            assertThat(q.device.processAvailable()).isEqualTo(3);
            for (int slot = 0; slot < 3; slot++) {
                assertThat(q.usedId(slot)).isEqualTo(heads[slot]);
                assertThat(q.usedLen(slot)).isEqualTo(16);
            }
        }
    }

    @Test
    void inOrderDeviceRefusesAHeadOutOfRingOrderThatAPlainDeviceServes() {
        for (VirtioFeatures features : List.of(PLAIN, IN_ORDER)) {
            try (Pair q = new Pair(features)) {
                RawRing raw = new RawRing(q.guest, q.layout);
                raw.descriptor(0, q.buffers, 8, 0, 0);
                raw.descriptor(5, q.buffers, 8, 0, 0);
                raw.publish(0, 5);
                if (features.inOrder()) {
                    assertThatThrownBy(q.device::processAvailable)
                            .isInstanceOf(VirtqueueFault.class)
                            .hasMessageContaining("avail.ring[1] names descriptor 5 as a chain head")
                            .hasMessageContaining("the next chain starts at descriptor 1");
                    assertThat(q.guest.read16(q.layout.usedIdx())).as("the chain before it is published").isEqualTo(1);
                } else {
                    assertThat(q.device.processAvailable()).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void inOrderDeviceRefusesANextThatIsNotTheFollowingDescriptor() {
        for (VirtioFeatures features : List.of(PLAIN, IN_ORDER)) {
            try (Pair q = new Pair(features)) {
                RawRing raw = new RawRing(q.guest, q.layout);
                raw.descriptor(0, q.buffers, 8, VirtqueueDevice.DESC_F_NEXT, 5);
                raw.descriptor(5, q.buffers + 0x80, 8, VirtqueueDevice.DESC_F_WRITE, 0);
                raw.publish(0);
                if (features.inOrder()) {
                    assertThatThrownBy(q.device::processAvailable)
                            .isInstanceOf(VirtqueueFault.class)
                            .hasMessageContaining("descriptor 0 (chain head 0) names next descriptor 5")
                            .hasMessageContaining("must name 1");
                } else {
                    assertThat(q.device.processAvailable()).isEqualTo(1);
                }
            }
        }
    }
}
