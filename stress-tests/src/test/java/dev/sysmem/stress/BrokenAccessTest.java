package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AtomicOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The single-threaded half of the broken implementations: apart from the one thing each breaks
 * (which only a race can show), every access still reads and writes the right bytes, so a control
 * that fails does so for the reason it names, and the view's own checks still run first.
 */
class BrokenAccessTest {

    @ParameterizedTest
    @EnumSource(value = Breakage.class, mode = EnumSource.Mode.EXCLUDE, names = {"HOISTABLE_READ", "STALE_COPY"})
    void everyWidthAndModeStillReadsAndWritesTheRightBytes(Breakage breakage) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64, 8);
            BrokenAccess access = BrokenAccess.over(memory, breakage);
            for (AccessMode mode : AccessMode.values()) {
                for (Width width : Width.values()) {
                    long value = 0x8877_6655_4433_2211L & width.mask();
                    access.write("r", 8, 8, width, mode, value);
                    assertThat(access.read("r", 8, 8, width, mode)).as("%s %s %s", breakage, mode, width).isEqualTo(value);
                    assertThat(memory.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 8)).isEqualTo((byte) 0x11);
                }
            }
            assertThat(access.atomic("r", 16, 16, Width.U64, AtomicOp.GET_AND_ADD, 0, 5)).isZero();
            assertThat(access.atomic("r", 16, 16, Width.U64, AtomicOp.COMPARE_AND_SET, 5, 9)).isEqualTo(5);
            assertThat(access.atomic("r", 16, 16, Width.U64, AtomicOp.COMPARE_AND_SET, 5, 1)).isEqualTo(9);
            assertThat(access.read("r", 16, 16, Width.U64, AccessMode.OPAQUE)).isEqualTo(9);
            assertThat(access.atomic("r", 24, 24, Width.U32, AtomicOp.GET_AND_BITWISE_OR, 0, 0xf0)).isZero();
            assertThat(access.atomic("r", 24, 24, Width.U32, AtomicOp.GET_AND_BITWISE_AND, 0, 0x30)).isEqualTo(0xf0);
            assertThat(access.read("r", 24, 24, Width.U32, AccessMode.OPAQUE)).isEqualTo(0x30);
        }
    }

    /**
     * The coherence control: a read returns the location's value or the one before its last write,
     * each at random, and never anything else; writes and atomics still land in memory.
     */
    @Test
    void staleCopyReadsGoBackOneWriteAtRandom() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64, 8);
            BrokenAccess access = BrokenAccess.over(memory, Breakage.STALE_COPY);
            for (Width width : Width.values()) {
                access.write("r", 8, 8, width, AccessMode.OPAQUE, 0);
                access.write("r", 8, 8, width, AccessMode.OPAQUE, 1);
                access.write("r", 8, 8, width, AccessMode.OPAQUE, 2);
                java.util.Set<Long> seen = new java.util.TreeSet<>();
                for (int i = 0; i < 200; i++) {
                    seen.add(access.read("r", 8, 8, width, AccessMode.OPAQUE));
                }
                assertThat(seen).as("%s reads after writes of 0, 1, 2", width).containsExactly(1L, 2L);
                assertThat(memory.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 8)).isEqualTo((byte) 2);
            }
            assertThat(access.atomic("r", 16, 16, Width.U64, AtomicOp.GET_AND_ADD, 0, 5)).isZero();
            assertThat(access.atomic("r", 16, 16, Width.U64, AtomicOp.COMPARE_AND_SET, 5, 9)).isEqualTo(5);
            assertThat(memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, 16)).isEqualTo(9);
        }
    }

    @Test
    void heapMemoryKeepsNeighbouringBytesAndEveryWidth() {
        BrokenAccess access = BrokenAccess.onHeap(64);
        access.write("r", 0, 0, Width.U64, AccessMode.PLAIN, -1L);
        access.write("r", 2, 2, Width.U16, AccessMode.OPAQUE, 0x1234);
        access.write("r", 4, 4, Width.U32, AccessMode.VOLATILE, 0);
        assertThat(access.read("r", 0, 0, Width.U64, AccessMode.OPAQUE)).isEqualTo(0x0000_0000_1234_ffffL);
        assertThat(access.read("r", 3, 3, Width.U8, AccessMode.OPAQUE)).isEqualTo(0x12);
        assertThat(access.atomic("r", 8, 8, Width.U32, AtomicOp.GET_AND_ADD, 0, 3)).isZero();
        assertThat(access.read("r", 8, 8, Width.U32, AccessMode.OPAQUE)).isEqualTo(3);
        assertThatThrownBy(() -> BrokenAccess.onHeap(12)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12");
        assertThatThrownBy(() -> BrokenAccess.over(MemorySegment.ofArray(new long[1]), Breakage.HOISTABLE_READ))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("onHeap");
    }

    @Test
    void brokenViewsStillMakeSysMemsChecksAndShareThePoolsMemory() {
        try (SlotPool pool = new SlotPool(SegmentKind.ANONYMOUS, AccessMode.VOLATILE, "broken", 4)) {
            SysMem split = pool.broken(Breakage.SPLIT_WRITE);
            assertThat(split.mode()).isEqualTo(AccessMode.VOLATILE);
            split.write64(8, 0x0102_0304_0506_0708L);
            assertThat(pool.io().read64(8)).isEqualTo(0x0102_0304_0506_0708L);
            assertThatThrownBy(() -> split.read32(2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken");
            assertThatThrownBy(() -> split.read64(4 * SlotPool.SLOT_BYTES)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        SlotPool heap = SlotPool.onJavaHeap(AccessMode.OPAQUE, "heap");
        heap.broken(Breakage.HOISTABLE_READ).write32(4, 7);
        assertThat(heap.broken(Breakage.HOISTABLE_READ).read32(4)).isEqualTo(7);
        assertThatThrownBy(() -> heap.broken(Breakage.SPLIT_WRITE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Java heap");
        assertThatThrownBy(heap::segment).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMutationRunNamesAnUnknownBreakage() {
        String previous = System.getProperty(Breakage.PROPERTY);
        try {
            System.setProperty(Breakage.PROPERTY, "SPLIT_WRITES");
            assertThatThrownBy(SlotPool::mutation).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sysmem.stress.breakage=SPLIT_WRITES names no breakage");
            System.setProperty(Breakage.PROPERTY, "SPLIT_WRITE");
            assertThat(SlotPool.mutation()).isEqualTo(Breakage.SPLIT_WRITE);
        } finally {
            if (previous == null) {
                System.clearProperty(Breakage.PROPERTY);
            } else {
                System.setProperty(Breakage.PROPERTY, previous);
            }
        }
    }
}
