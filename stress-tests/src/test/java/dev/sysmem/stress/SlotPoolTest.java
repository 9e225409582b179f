package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SlotPoolTest {

    @ParameterizedTest
    @EnumSource(SegmentKind.class)
    void handsOutEverySlotOnceBeforeWrappingToTheFirst(SegmentKind kind) {
        try (SlotPool pool = new SlotPool(kind, AccessMode.OPAQUE, "slot-pool-test")) {
            checkEverySlotOnce(pool);
        }
    }

    private static void checkEverySlotOnce(SlotPool pool) {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < SlotPool.SLOTS; i++) {
            long slot = pool.next();
            assertThat(slot % SlotPool.SLOT_BYTES).isZero();
            assertThat(slot + SlotPool.SLOT_BYTES).isLessThanOrEqualTo(pool.segment().byteSize());
            assertThat(seen.add(slot)).as("slot %d handed out twice", slot).isTrue();
        }
        assertThat(pool.next()).isZero();
    }

    @ParameterizedTest
    @EnumSource(SegmentKind.class)
    void slotsAreAlignedInAbsoluteTermsSoEveryWidthIsAlignedAtEverySlot(SegmentKind kind) {
        try (SlotPool pool = new SlotPool(kind, AccessMode.VOLATILE, "slot-pool-alignment", 4)) {
            checkAligned(pool);
        }
    }

    private static void checkAligned(SlotPool pool) {
        assertThat(pool.segment().address() % SlotPool.SLOT_BYTES).isZero();
        SysMem io = pool.io();
        long slot = pool.next();
        io.write64(slot, -1L);
        io.write64(slot + SlotPool.SECOND_LINE, 0x0102_0304_0506_0708L);
        assertThat(io.read64(slot)).isEqualTo(-1L);
        assertThat(io.read32(slot + SlotPool.SECOND_LINE)).isEqualTo(0x0506_0708);
        assertThat(io.mode()).isEqualTo(AccessMode.VOLATILE);
    }

    @Test
    void fileBackedMemoryLeavesNoFileBehind() throws IOException {
        Path shm = Path.of("/dev/shm");
        String prefix = "sysmem-stress-" + ProcessHandle.current().pid() + "-";
        try (SlotPool pool = new SlotPool(SegmentKind.FILE_BACKED, AccessMode.OPAQUE, "slot-pool-unlinked", 4)) {
            pool.io().write32(pool.next(), 42);
            assertThat(pool.io().read32(0)).isEqualTo(42);
            if (Files.isDirectory(shm)) {
                try (Stream<Path> files = Files.list(shm)) {
                    assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(prefix));
                }
            }
        }
    }
}
