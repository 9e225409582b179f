package dev.sysmem.sim.virtio;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The driver's batch API ({@link VirtqueueDriver#addToBatch}, {@link VirtqueueDriver#publish()}):
 * chains added to a batch are invisible to the device until one {@code avail.idx} store publishes
 * them all, {@link VirtqueueDriver#kickIfNeeded()} publishes before it decides on a kick (so a
 * driver that kicks cannot leave a batch unpublished), and {@link VirtqueueDriver#add} still
 * publishes at once. Also the driver's test of buffers against the queue's parts, which looks at
 * each part only for a buffer inside the span of all three, on layouts whose parts are apart and
 * in any order.
 */
class VirtqueueBatchTest {

    private static final VirtioFeatures PLAIN = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
    private static final VirtioFeatures IN_ORDER =
            VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.IN_ORDER);
    private static final int QS = 8;
    private static final long BUFFERS = 0x4000;

    /** A driver and an echo device on one queue, stepped by the test. */
    private static final class Pair implements AutoCloseable {
        final SharedMemory memory = SharedMemory.anonymous(1 << 16);
        final SysMem guest = memory.io("guest");
        final VirtqueueLayout layout;
        final VirtqueueDriver driver;
        final VirtqueueDevice device;
        final List<Integer> completed = new ArrayList<>();
        int kicks;

        Pair(VirtioFeatures features, VirtqueueLayout layout) {
            this.layout = layout;
            driver = VirtqueueDriver.create("q", guest, layout, features, () -> kicks++);
            device = VirtqueueDevice.attach("q", guest, layout, features, new Echo(), () -> { });
        }

        Pair(VirtioFeatures features) {
            this(features, VirtqueueLayout.contiguous(QS, 0));
        }

        int addToBatch(int n) {
            long at = BUFFERS + 0x100L * n;
            return driver.addToBatch(new long[] {at, at + 0x80}, new long[] {16, 16}, 1, 1);
        }

        int availIdxInMemory() {
            return guest.read16(layout.availIdx());
        }

        int harvest() {
            return driver.harvest((head, len) -> completed.add(head));
        }

        @Override
        public void close() {
            memory.close();
        }
    }

    @ParameterizedTest(name = "in order {0}")
    @ValueSource(booleans = {false, true})
    void chainsAddedToABatchAreInvisibleUntilPublishStoresAvailIdxOnceForAll(boolean inOrder) {
        try (Pair q = new Pair(inOrder ? IN_ORDER : PLAIN)) {
            int[] heads = {q.addToBatch(0), q.addToBatch(1), q.addToBatch(2)};

            assertThat(q.availIdxInMemory()).as("avail.idx before publish").isZero();
            assertThat(q.driver.availIdx()).isZero();
            assertThat(q.driver.unpublished()).isEqualTo(3);
            assertThat(q.driver.chainsInFlight()).isEqualTo(3);
            assertThat(q.device.processAvailable()).as("chains the device sees before publish").isZero();

            assertThat(q.driver.publish()).isEqualTo(3);
            assertThat(q.availIdxInMemory()).isEqualTo(3);
            assertThat(q.driver.unpublished()).isZero();
            assertThat(q.device.processAvailable()).isEqualTo(3);
            assertThat(q.harvest()).isEqualTo(3);
            assertThat(q.completed).containsExactly(heads[0], heads[1], heads[2]);
        }
    }

    @Test
    void publishWithNothingAddedWritesNothing() {
        try (Pair q = new Pair(PLAIN)) {
            q.addToBatch(0);
            assertThat(q.driver.publish()).isEqualTo(1);
            // A mark in avail.idx: a second publish with nothing new must not store over it.
            q.guest.write16(q.layout.availIdx(), 0x5a5a);
            assertThat(q.driver.publish()).isZero();
            assertThat(q.availIdxInMemory()).isEqualTo(0x5a5a);
        }
    }

    @Test
    void kickIfNeededPublishesTheBatchBeforeDecidingOnTheKick() {
        try (Pair q = new Pair(PLAIN)) {
            q.addToBatch(0);
            q.addToBatch(1);
            // avail_event is 0 after reset: the device wants a kick when entry 0 is published.
            assertThat(q.driver.kickIfNeeded()).isTrue();
            assertThat(q.kicks).isEqualTo(1);
            assertThat(q.availIdxInMemory()).isEqualTo(2);
            assertThat(q.driver.unpublished()).isZero();
            assertThat(q.device.processAvailable()).isEqualTo(2);
        }
    }

    @Test
    void addPublishesAtOnceAndTakesTheWaitingBatchAlong() {
        try (Pair q = new Pair(PLAIN)) {
            q.addToBatch(0);
            assertThat(q.availIdxInMemory()).isZero();
            q.driver.add(BUFFERS + 0x300, 16, BUFFERS + 0x380, 16);
            assertThat(q.availIdxInMemory()).isEqualTo(2);
            assertThat(q.driver.unpublished()).isZero();
            assertThat(q.device.processAvailable()).isEqualTo(2);
        }
    }

    @Test
    void addToBatchRefusesABadBufferAndWritesNothing() {
        try (Pair q = new Pair(PLAIN)) {
            long desc = q.layout.descriptorTable();
            assertThatThrownBy(() -> q.driver.addToBatch(new long[] {desc + 0x20}, new long[] {8}, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("buffer 0 (readable, addr 0x" + Long.toHexString(desc + 0x20) + ", len 8)")
                    .hasMessageContaining("overlaps the queue's descriptor table");
            assertThat(q.driver.unpublished()).isZero();
            assertThat(q.driver.freeDescriptors()).isEqualTo(QS);
            assertThat(q.guest.read16(q.layout.availRing(0))).isZero();
            assertThat(q.driver.publish()).isZero();
        }
    }

    /**
     * Parts apart and in reverse order (used ring first): a buffer in a gap between parts is
     * accepted, a buffer touching any part is refused with the part's name.
     */
    @Test
    void buffersAreTestedAgainstEveryPartWhereverThePartsLie() {
        VirtqueueLayout apart = VirtqueueLayout.of(QS, 0x3000, 0x2000, 0x1000);
        try (Pair q = new Pair(PLAIN, apart)) {
            assertThatThrownBy(() -> q.driver.addToBatch(new long[] {0xff8}, new long[] {16}, 1, 0))
                    .hasMessageContaining("overlaps the queue's used ring");
            assertThatThrownBy(() -> q.driver.addToBatch(new long[] {0x2010}, new long[] {4}, 1, 0))
                    .hasMessageContaining("overlaps the queue's available ring");
            assertThatThrownBy(() -> q.driver.addToBatch(new long[] {0x3070}, new long[] {0x100}, 1, 0))
                    .hasMessageContaining("overlaps the queue's descriptor table");
            assertThat(q.driver.freeDescriptors()).as("nothing taken by the refused chains").isEqualTo(QS);

            // Controls: just before the first part, in the gaps, just after the last.
            assertThat(q.driver.addToBatch(new long[] {0xf00}, new long[] {0x100}, 1, 0)).isNotNegative();
            assertThat(q.driver.addToBatch(new long[] {0x1800}, new long[] {0x100}, 1, 0)).isNotNegative();
            assertThat(q.driver.addToBatch(new long[] {0x2800}, new long[] {0x100}, 1, 0)).isNotNegative();
            assertThat(q.driver.addToBatch(new long[] {0x3080}, new long[] {0x100}, 1, 0)).isNotNegative();
            assertThat(q.driver.publish()).isEqualTo(4);
            assertThat(q.device.processAvailable()).isEqualTo(4);
        }
    }
}
