package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each side refuses the other's breaches of the split-ring rules with a {@link VirtqueueFault}
 * that names the queue, descriptor, address and length. The broken peer is played by
 * {@link RawRing}, which writes ring words the real driver or device never would.
 */
class VirtqueueFaultTest {

    private static final int DATA = 0x1000;

    private static QueuePair queue() {
        return new QueuePair(8, true, new Echo(), 1 << 16);
    }

    @Test
    void descriptorPastTheEndOfGuestMemoryIsRefused() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 16, VirtqueueDevice.DESC_F_NEXT, 2);
            raw.descriptor(2, 0xfff8, 16, VirtqueueDevice.DESC_F_WRITE, 0);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("virtqueue 'q'")
                    .hasMessageContaining("descriptor 2 (chain head 0)")
                    .hasMessageContaining("addr 0xfff8 len 16")
                    .hasMessageContaining("outside guest memory of 65536 bytes");
            assertThat(q.read16(q.layout.usedIdx())).as("nothing published").isZero();
        }
    }

    @Test
    void descriptorWithAHugeAddressOrLengthIsRefused() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(5, 0xffff_ffff_ffff_f000L, 8, 0, 0);
            raw.publish(5);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 5 (chain head 5) addr 0xfffffffffffff000 len 8");
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(1, DATA, 0xffff_ffffL, 0, 0);
            raw.publish(1);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 1 (chain head 1) addr 0x1000 len 4294967295");
        }
    }

    @Test
    void loopingChainsAreDetected() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 1);
            raw.descriptor(1, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 2);
            raw.descriptor(2, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 0);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("chain from head 0 is longer than the queue size 8")
                    .hasMessageContaining("loops");
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(3, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 3);
            raw.publish(3);
            assertThatThrownBy(q.device::processAvailable).hasMessageContaining("chain from head 3").hasMessageContaining("loops");
        }
    }

    @Test
    void indirectDescriptorsAreNotSupported() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(4, DATA, 32, VirtqueueDevice.DESC_F_INDIRECT, 0);
            raw.publish(4);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 4 (chain head 4) has the INDIRECT flag")
                    .hasMessageContaining("VIRTIO_F_INDIRECT_DESC");
        }
    }

    @Test
    void readableAfterWritableIsRefused() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT | VirtqueueDevice.DESC_F_WRITE, 1);
            raw.descriptor(1, DATA + 8, 8, 0, 0);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 1 (chain head 0) addr 0x1008 len 8 is device-readable but follows "
                            + "a device-writable descriptor");
        }
    }

    @Test
    void indexesPastTheQueueSizeAreRefused() {
        try (QueuePair q = queue()) {
            new RawRing(q.guest, q.layout).publish(8);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("avail.ring[0] names descriptor 8 as a chain head, but the queue has only 8");
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 300);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 0 (chain head 0) names next descriptor 300");
        }
        try (QueuePair q = queue()) {
            new RawRing(q.guest, q.layout).availIdx(9);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("avail.idx moved from 0 to 9: 9 new entries, more than the queue size 8");
        }
    }

    @Test
    void chainsBeforeTheFaultArePublishedAndTheQueueStaysStopped() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 1);
            raw.descriptor(1, DATA + 64, 8, VirtqueueDevice.DESC_F_WRITE, 0);
            raw.descriptor(2, 1 << 20, 8, 0, 0);
            raw.publish(0, 2);
            assertThatThrownBy(q.device::processAvailable).hasMessageContaining("descriptor 2");
            assertThat(q.read16(q.layout.usedIdx())).isEqualTo(1);
            assertThat(q.guest.read32(q.layout.usedElement(0))).isZero();
            assertThat(q.guest.read32(q.layout.usedElement(0) + 4)).isEqualTo(8);
            assertThat(q.device.isStopped()).isTrue();
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("stopped after an earlier fault and needs a reset")
                    .hasMessageContaining("descriptor 2");
        }
    }

    @Test
    void aDeviceFunctionThatOverstatesLenStopsTheDevice() {
        try (QueuePair q = new QueuePair(8, true, chain -> chain.writableBytes() + 1, 1 << 16)) {
            q.driver.add(DATA, 8, DATA + 64, 8);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("reported 9 bytes written for the chain at head 0, which has 8 writable bytes");
        }
    }

    @Test
    void theDriverRefusesUsedEntriesForChainsNotInFlight() {
        try (QueuePair q = queue()) {
            int head = q.driver.add(DATA, 8, DATA + 64, 8);
            RawRing fakeDevice = new RawRing(q.guest, q.layout);
            fakeDevice.pushUsed(head + 1, 0);
            assertThatThrownBy(() -> q.driver.harvest((id, len) -> { }))
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("used.ring[0] (used index 0) names descriptor " + (head + 1)
                            + ", which is not the head of a chain in flight");
        }
        try (QueuePair q = queue()) {
            q.driver.add(DATA, 8, DATA + 64, 8);
            new RawRing(q.guest, q.layout).pushUsed(0xffff_fff0L, 0);
            assertThatThrownBy(() -> q.driver.harvest((id, len) -> { })).hasMessageContaining("names descriptor 4294967280");
        }
    }

    @Test
    void theDriverRefusesUsedLenBeyondTheWritableBuffers() {
        try (QueuePair q = queue()) {
            int head = q.driver.add(DATA, 8, DATA + 64, 8);
            new RawRing(q.guest, q.layout).pushUsed(head, 9);
            assertThatThrownBy(() -> q.driver.harvest((id, len) -> { }))
                    .hasMessageContaining("9 bytes were written to the chain at head " + head + ", which has 8 writable bytes");
        }
    }

    @Test
    void theDriverRefusesAUsedIndexThatRunsAhead() {
        try (QueuePair q = queue()) {
            q.driver.add(DATA, 8, DATA + 64, 8);
            new RawRing(q.guest, q.layout).usedIdx(2);
            assertThatThrownBy(() -> q.driver.harvest((id, len) -> { }))
                    .hasMessageContaining("used.idx moved from 0 to 2: 2 used entries, but only 1 chains were in flight");
        }
    }

    @Test
    void layoutsThatDoNotFitInGuestMemoryAreRefused() {
        try (QueuePair q = queue()) {
            VirtqueueLayout big = VirtqueueLayout.contiguous(4096, 0);
            assertThatThrownBy(() -> VirtqueueDriver.create("big", q.guest, big, VirtioFeatures.NONE, () -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("virtqueue 'big'")
                    .hasMessageContaining("past the end of guest memory 'guest' of 65536 bytes");
            assertThatThrownBy(() -> VirtqueueDevice.attach("big", q.guest, big, VirtioFeatures.NONE, new Echo(), () -> { }))
                    .hasMessageContaining("past the end of guest memory");
        }
    }
}
