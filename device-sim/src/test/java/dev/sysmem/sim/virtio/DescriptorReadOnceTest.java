package dev.sysmem.sim.virtio;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device reads every descriptor word of a chain exactly once, on its short path for a chain
 * of one and on the general walk: a driver that rewrites a descriptor it made available (which
 * the spec forbids) can then not make the value the device checked differ from the one it uses.
 * Watched through an intercepted {@link SysMem}, which sees every ring access the device makes.
 */
class DescriptorReadOnceTest {

    private static final int MEMORY = 1 << 16;

    /** Serves accesses from {@code memory}, counting the reads that fall in the descriptor table. */
    private static final class CountingMemory implements AccessHandler {
        final MemorySegment memory;
        final long tableEnd;
        final Map<Long, Integer> tableReads = new TreeMap<>();

        CountingMemory(MemorySegment memory, long tableEnd) {
            this.memory = memory;
            this.tableEnd = tableEnd;
        }

        @Override
        public long read(String region, long offset, long address, Width width, AccessMode mode) {
            if (address < tableEnd) {
                tableReads.merge(address, 1, Integer::sum);
            }
            return switch (width) {
                case U8 -> Byte.toUnsignedLong(memory.get(ValueLayout.JAVA_BYTE, address));
                case U16 -> Short.toUnsignedLong(memory.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), address));
                case U32 -> Integer.toUnsignedLong(memory.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), address));
                case U64 -> memory.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), address);
            };
        }

        @Override
        public void write(String region, long offset, long address, Width width, AccessMode mode, long value) {
            switch (width) {
                case U8 -> memory.set(ValueLayout.JAVA_BYTE, address, (byte) value);
                case U16 -> memory.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), address, (short) value);
                case U32 -> memory.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), address, (int) value);
                case U64 -> memory.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), address, value);
            }
        }

        @Override
        public long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand) {
            throw new UnsupportedOperationException("the virtqueue makes no atomic access");
        }
    }

    @Test
    void everyDescriptorWordOfAServedChainIsReadOnce() {
        try (Arena arena = Arena.ofConfined()) {
            VirtqueueLayout layout = VirtqueueLayout.contiguous(8, 0);
            long tableEnd = VirtqueueLayout.descriptorTableSize(8);
            CountingMemory counting = new CountingMemory(arena.allocate(MEMORY, 16), tableEnd);
            SysMem guest = SysMem.intercepted("guest", counting.memory, counting);
            VirtioFeatures features = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
            VirtqueueDriver driver = VirtqueueDriver.create("q", guest, layout, features, () -> { });
            VirtqueueDevice device = VirtqueueDevice.attach("q", guest, layout, features, new Echo(), () -> { });

            int one = driver.addReadableToBatch(0x1000, 64);
            int three = driver.addToBatch(new long[] {0x2000, 0x2100, 0x3000}, new long[] {16, 16, 32}, 2, 1);
            int writable = driver.addWritableToBatch(0x4000, 32);
            driver.kickIfNeeded();
            counting.tableReads.clear();
            assertThat(device.processAvailable()).isEqualTo(3);

            Map<Long, Integer> expected = new TreeMap<>();
            for (int descriptor : new int[] {one, three, three + 1, three + 2, writable}) {
                expected.put(layout.descriptor(descriptor), 1);
                expected.put(layout.descriptor(descriptor) + 8, 1);
            }
            assertThat(counting.tableReads).isEqualTo(expected);
        }
    }
}
