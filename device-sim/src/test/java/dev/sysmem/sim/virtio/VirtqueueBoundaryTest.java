package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every range check of the split ring at its exact edge: the last thing allowed is accepted and
 * one more is refused, on both sides. Off-by-one mistakes in these checks pass every test that
 * stays well inside or well outside the range (the mutation run of device-sim's profile
 * {@code mutation} found them surviving), and each is a way for a peer to reach one byte too far.
 */
class VirtqueueBoundaryTest {

    private static final int MEMORY = 1 << 16;
    private static final int DATA = 0x1000;

    private static QueuePair queue() {
        return new QueuePair(8, true, new Echo(), MEMORY);
    }

    @Test
    void theDriverTakesABufferEndingAtTheLastByteOfGuestMemoryAndNotOneByteMore() {
        try (QueuePair q = queue()) {
            assertThat(q.driver.add(new long[] {MEMORY - 16}, new long[] {16}, 1, 0)).isNotNegative();
            assertThat(q.driver.add(new long[] {MEMORY}, new long[] {0}, 1, 0)).as("empty, at the end").isNotNegative();
            assertThatThrownBy(() -> q.driver.add(new long[] {MEMORY - 16}, new long[] {17}, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("addr 0xfff0, len 17")
                    .hasMessageContaining("lies outside guest memory of 65536 bytes");
        }
    }

    @Test
    void aLengthOfTwoToThe32MinusOneIsAU32AndTwoToThe32IsNot() {
        try (QueuePair q = queue()) {
            // The largest u32 passes the length check and is refused by the memory check.
            assertThatThrownBy(() -> q.driver.add(new long[] {DATA}, new long[] {0xffff_ffffL}, 1, 0))
                    .hasMessageContaining("lies outside guest memory")
                    .hasMessageNotContaining("not a u32");
            assertThatThrownBy(() -> q.driver.add(new long[] {DATA}, new long[] {1L << 32}, 1, 0))
                    .hasMessageContaining("len 4294967296")
                    .hasMessageContaining("has a length that is not a u32");
        }
    }

    @Test
    void theDriverTakesBuffersTouchingTheQueuesPartsButNotOverlappingThem() {
        try (QueuePair q = queue()) {
            VirtqueueLayout l = q.layout;
            long availEnd = l.availableRing() + VirtqueueLayout.availableRingSize(8);
            long usedEnd = l.usedRing() + VirtqueueLayout.usedRingSize(8);
            // QS 8 at offset 0: the available ring ends at 150, the used ring starts at 152.
            assertThat(availEnd).isEqualTo(150);
            assertThat(l.usedRing()).isEqualTo(152);

            assertThat(q.driver.add(new long[] {availEnd}, new long[] {2}, 1, 0)).as("the gap between the rings").isNotNegative();
            assertThat(q.driver.add(new long[] {usedEnd}, new long[] {16}, 1, 0)).as("right after the used ring").isNotNegative();
            assertThatThrownBy(() -> q.driver.add(new long[] {availEnd - 1}, new long[] {2}, 1, 0))
                    .hasMessageContaining("overlaps the queue's available ring [0x80, 0x96)");
            assertThatThrownBy(() -> q.driver.add(new long[] {availEnd + 1}, new long[] {2}, 1, 0))
                    .hasMessageContaining("overlaps the queue's used ring [0x98, 0xde)");
            assertThatThrownBy(() -> q.driver.add(new long[] {usedEnd - 1}, new long[] {16}, 1, 0))
                    .hasMessageContaining("overlaps the queue's used ring");
            assertThatThrownBy(() -> q.driver.add(new long[] {l.descriptorTable() + VirtqueueLayout.descriptorTableSize(8) - 1},
                    new long[] {1}, 1, 0))
                    .hasMessageContaining("overlaps the queue's descriptor table [0x0, 0x80)");
        }
    }

    @Test
    void theDeviceTakesADescriptorEndingAtTheLastByteOfGuestMemoryAndNotOneByteMore() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, MEMORY - 16, 16, 0, 0);
            raw.publish(0);
            assertThat(q.device.processAvailable()).isEqualTo(1);
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, MEMORY - 16, 17, 0, 0);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("addr 0xfff0 len 17 lies outside guest memory of 65536 bytes");
        }
    }

    @Test
    void theSameEdgesHoldForADescriptorLaterInAChain() {
        // A chain of one takes the device's short path; these go through the general walk.
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 1);
            raw.descriptor(1, MEMORY - 16, 16, VirtqueueDevice.DESC_F_NEXT, 2);
            raw.descriptor(2, 0, 8, 0, 0);
            raw.publish(0);
            assertThat(q.device.processAvailable()).as("ending at the last byte, and starting at address 0").isEqualTo(1);
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 1);
            raw.descriptor(1, MEMORY - 16, 17, 0, 0);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .isInstanceOf(VirtqueueFault.class)
                    .hasMessageContaining("descriptor 1 (chain head 0) addr 0xfff0 len 17 lies outside guest memory");
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 1);
            raw.descriptor(1, -1, 1, 0, 0);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 1 (chain head 0) addr 0xffffffffffffffff len 1 lies outside guest memory");
        }
    }

    @Test
    void aChainMayNameTheLastDescriptorAsNextButNotOnePastIt() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 7);
            raw.descriptor(7, DATA + 8, 8, 0, 0);
            raw.publish(0);
            assertThat(q.device.processAvailable()).isEqualTo(1);
        }
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(0, DATA, 8, VirtqueueDevice.DESC_F_NEXT, 8);
            raw.publish(0);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("descriptor 0 (chain head 0) names next descriptor 8, but the queue has only 8");
        }
    }

    @Test
    void availIdxMayMoveByExactlyTheQueueSizeAndNotOneMore() {
        try (QueuePair q = queue()) {
            RawRing raw = new RawRing(q.guest, q.layout);
            for (int d = 0; d < 8; d++) {
                raw.descriptor(d, DATA + 16L * d, 16, 0, 0);
            }
            raw.publish(0, 1, 2, 3, 4, 5, 6, 7);
            assertThat(q.device.processAvailable()).isEqualTo(8);
        }
        try (QueuePair q = queue()) {
            new RawRing(q.guest, q.layout).availIdx(9);
            assertThatThrownBy(q.device::processAvailable).hasMessageContaining("9 new entries, more than the queue size 8");
        }
    }

    @Test
    void theChainsStreamsRefuseANegativePositionAndPutByteStopsAtTheLastWritableByte() {
        Throwable[] thrown = new Throwable[4];
        ChainHandler handler = chain -> {
            thrown[0] = catchThrowable(() -> chain.gather(-1, MemorySegment.ofArray(new byte[4])));
            thrown[1] = catchThrowable(() -> chain.scatter(-1, MemorySegment.ofArray(new byte[4])));
            // Two writable buffers of 4 bytes: positions 0-7, the second starting at 4.
            chain.putByte(4, (byte) 0x44);
            chain.putByte(7, (byte) 0x77);
            thrown[2] = catchThrowable(() -> chain.putByte(8, (byte) 1));
            thrown[3] = catchThrowable(() -> chain.putByte(-1, (byte) 1));
            return 8;
        };
        try (QueuePair q = new QueuePair(8, true, handler, MEMORY)) {
            long w = q.buffers;
            q.driver.add(new long[] {DATA + 64, w, w + 100}, new long[] {4, 4, 4}, 1, 2);
            q.device.processAvailable();

            assertThat(thrown[0]).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("negative position -1");
            assertThat(thrown[1]).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("negative position -1");
            assertThat(thrown[2]).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("byte 8 of the writable buffers")
                    .hasMessageContaining("hold 8 bytes");
            assertThat(thrown[3]).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(q.guest.read8(w + 100)).isEqualTo((byte) 0x44);
            assertThat(q.guest.read8(w + 103)).isEqualTo((byte) 0x77);
            assertThat(q.guest.read8(w + 3)).isZero();
        }
    }

    @Test
    void addressZeroIsGuestMemoryForBothSides() {
        try (QueuePair q = queue()) {
            // Zero bytes at 0 overlap no part of the queue (which starts at 0); the device may read 0-7.
            assertThat(q.driver.add(new long[] {0}, new long[] {0}, 1, 0)).isNotNegative();
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(1, 0, 8, 0, 0);
            raw.availIdx(1);
            raw.publish(1);
            assertThat(q.device.processAvailable()).isEqualTo(2);
        }
    }

    @Test
    void aUsedElementNamingTheQueueSizeIsAFaultNotAnIndexError() {
        VirtioFeatures plain = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
        VirtioFeatures inOrder = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.IN_ORDER);
        for (VirtioFeatures features : java.util.List.of(plain, inOrder)) {
            try (QueuePair q = new QueuePair(8, features, new Echo(), MEMORY)) {
                q.driver.add(new long[] {DATA}, new long[] {16}, 1, 0);
                new RawRing(q.guest, q.layout).pushUsed(8, 0);
                assertThatThrownBy(() -> q.driver.harvest((head, len) -> { }))
                        .as("%s", features)
                        .isInstanceOf(VirtqueueFault.class)
                        .hasMessageContaining("names descriptor 8, which is not the head of a chain in flight");
            }
        }
    }

    @Test
    void withInOrderTheFirstChainMustStartAtDescriptorZero() {
        VirtioFeatures inOrder = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.IN_ORDER);
        try (QueuePair q = new QueuePair(8, inOrder, new Echo(), MEMORY)) {
            RawRing raw = new RawRing(q.guest, q.layout);
            raw.descriptor(3, DATA, 8, 0, 0);
            raw.publish(3);
            assertThatThrownBy(q.device::processAvailable)
                    .hasMessageContaining("avail.ring[0] names descriptor 3 as a chain head")
                    .hasMessageContaining("the next chain starts at descriptor 0");
        }
    }

    @Test
    void aDeviceThatDisabledNotificationsIsNeverKickedHoweverLongItRuns() {
        // The device keeps avail_event out of the driver's reach as it moves on; left where
        // disableNotifications put it, the driver's index would reach it after 65,528 chains.
        try (QueuePair q = queue()) {
            q.device.disableNotifications();
            for (int i = 0; i < 70_000; i++) {
                q.driver.add(new long[] {DATA}, new long[] {16}, 1, 0);
                assertThat(q.driver.kickIfNeeded()).as("kick after chain %d", i).isFalse();
                q.device.processAvailable();
                q.driver.harvest((head, len) -> { });
            }
            assertThat(q.kicks).isZero();
            assertThat(q.driver.kicksSuppressed()).isEqualTo(70_000);
        }
    }

    @Test
    void aStreamThatEndsInsideTheSecondBufferStopsThere() {
        byte[] gathered = new byte[5];
        long[] counts = new long[2];
        ChainHandler handler = chain -> {
            MemorySegment into = MemorySegment.ofArray(gathered);
            counts[0] = chain.gather(0, into);
            counts[1] = chain.scatter(0, MemorySegment.ofArray(new byte[] {9, 8, 7, 6, 5}));
            return counts[1];
        };
        try (QueuePair q = new QueuePair(8, true, handler, MEMORY)) {
            for (int i = 0; i < 23; i++) {
                q.guest.write8(DATA + i, (byte) (i + 1));
            }
            long w = q.buffers;
            // Readable 3 + 20 bytes, writable 3 + 20 bytes; both streams of 5 bytes end in the second buffer.
            q.driver.add(new long[] {DATA, DATA + 3, w, w + 100}, new long[] {3, 20, 3, 20}, 2, 2);
            q.device.processAvailable();

            assertThat(counts).containsExactly(5, 5);
            assertThat(gathered).containsExactly(1, 2, 3, 4, 5);
            assertThat(new int[] {q.guest.read8(w), q.guest.read8(w + 1), q.guest.read8(w + 2), q.guest.read8(w + 100),
                    q.guest.read8(w + 101), q.guest.read8(w + 102)}).containsExactly(9, 8, 7, 6, 5, 0);
        }
    }
}
