package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refused access: out of bounds (without overflow), misaligned in absolute terms, of a width
 * the view refuses, a write to a read-only view, a value too wide, after the memory was closed.
 * Each is refused with a message naming region, size, offset and width, and nothing is written.
 */
class SysMemBoundsTest {

    private static final ShmFiles FILES = new ShmFiles();
    private static final long SIZE = 64;
    private static final byte FILL = 0x5a;

    @AfterAll
    static void deleteFiles() {
        FILES.deleteAll();
    }

    /** Every way to read {@code width} bits at an offset. */
    private static List<Consumer<Long>> reads(SysMem io, Width width) {
        List<Consumer<Long>> all = new ArrayList<>();
        all.add(o -> io.read(width, o));
        switch (width) {
            case U8 -> all.add(io::read8);
            case U16 -> all.add(io::read16);
            case U32 -> all.add(io::read32);
            case U64 -> all.add(io::read64);
        }
        return all;
    }

    /** Every way to write {@code width} bits at an offset: writes, the generic write, atomics and updates. */
    private static List<Consumer<Long>> writes(SysMem io, Width width) {
        List<Consumer<Long>> all = new ArrayList<>();
        all.add(o -> io.write(width, o, 1));
        switch (width) {
            case U8 -> all.add(o -> io.write8(o, 1));
            case U16 -> all.add(o -> io.write16(o, 1));
            case U32 -> {
                all.add(o -> io.write32(o, 1));
                all.add(o -> io.compareAndSet32(o, 0, 1));
                all.add(o -> io.compareAndExchange32(o, 0, 1));
                all.add(o -> io.getAndAdd32(o, 1));
                all.add(o -> io.getAndSet32(o, 1));
                all.add(o -> io.getAndBitwiseOr32(o, 1));
                all.add(o -> io.getAndBitwiseAnd32(o, 0));
            }
            case U64 -> {
                all.add(o -> io.write64(o, 1));
                all.add(o -> io.compareAndSet64(o, 0, 1));
                all.add(o -> io.compareAndExchange64(o, 0, 1));
                all.add(o -> io.getAndAdd64(o, 1));
                all.add(o -> io.getAndSet64(o, 1));
                all.add(o -> io.getAndBitwiseOr64(o, 1));
                all.add(o -> io.getAndBitwiseAnd64(o, 0));
            }
        }
        return all;
    }

    private static List<Consumer<Long>> accesses(SysMem io, Width width) {
        List<Consumer<Long>> all = new ArrayList<>(reads(io, width));
        all.addAll(writes(io, width));
        return all;
    }

    static Stream<Arguments> widthsOnBothBackings() {
        List<Arguments> all = new ArrayList<>();
        for (Backing backing : Backing.values()) {
            for (Width width : Width.values()) {
                all.add(Arguments.of(backing, width));
            }
        }
        return all.stream();
    }

    private static void fill(SharedMemory shm) {
        shm.segment().fill(FILL);
    }

    private static void assertUntouched(SharedMemory shm) {
        for (long i = 0; i < shm.size(); i++) {
            assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, i)).as("byte %d", i).isEqualTo(FILL);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("widthsOnBothBackings")
    void lastValidOffsetWorks(Backing backing, Width width) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("bounds");
            long last = SIZE - width.bytes();
            io.write(width, last, width.mask());
            assertThat(io.read(width, last)).isEqualTo(width.mask());
            for (Consumer<Long> access : accesses(io, width)) {
                access.accept(last);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("widthsOnBothBackings")
    void offsetsOutsideTheRegionFailWithoutOverflowAndWriteNothing(Backing backing, Width width) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("bounds");
            fill(shm);
            int bytes = width.bytes();
            List<Long> outside = List.of(SIZE - bytes + 1, SIZE, -1L, (long) -bytes, Long.MAX_VALUE,
                    Long.MIN_VALUE, Long.MAX_VALUE - bytes + 1, Long.MIN_VALUE + SIZE, SIZE - 1);
            for (long offset : outside) {
                if (offset == SIZE - 1 && width == Width.U8) {
                    continue; // the last byte is inside for u8
                }
                for (Consumer<Long> access : accesses(io, width)) {
                    assertThatThrownBy(() -> access.accept(offset))
                            .as("%s at %d", width, offset)
                            .isInstanceOf(IndexOutOfBoundsException.class)
                            .hasMessageContaining("region 'bounds' (64 bytes)")
                            .hasMessageContaining(width + " ")
                            .hasMessageContaining("at offset " + AccessCheck.hex(offset))
                            .hasMessageContaining("out of bounds")
                            .hasMessageContaining("[0x0, 0x" + Long.toHexString(SIZE - bytes) + "]");
                }
            }
            assertUntouched(shm);
        }
    }

    @Test
    void aRegionSmallerThanTheWidthRefusesItAtEveryOffset() {
        try (Arena arena = Arena.ofConfined()) {
            SysMem io = SysMem.of("tiny", arena.allocate(4, 8));
            assertThatThrownBy(() -> io.read64(0))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("region 'tiny' (4 bytes): u64 read at offset 0x0 is out of bounds: "
                            + "the region is smaller than one u64 access");
            assertThat(io.read32(0)).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("widthsOnBothBackings")
    void alignmentIsCheckedAgainstTheAbsoluteAddress(Backing backing, Width width) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            fill(shm);
            // The memory is page-aligned, so slice offset 0 is absolute address base + 1: odd.
            SysMem odd = shm.io("bounds").slice(1, 32);
            assertThat(odd.segment().address() % 2).isOne();
            if (width == Width.U8) {
                odd.write8(0, 0x11);
                assertThat(shm.io().read8(1)).isEqualTo(0x11);
                return;
            }
            for (Consumer<Long> access : accesses(odd, width)) {
                assertThatThrownBy(() -> access.accept(0L))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("region 'bounds+0x1' (32 bytes)")
                        .hasMessageContaining(width + " ")
                        .hasMessageContaining("at offset 0x0")
                        .hasMessageContaining("misaligned")
                        .hasMessageContaining("absolute address 0x" + Long.toHexString(odd.segment().address()))
                        .hasMessageContaining("not a multiple of " + width.bytes());
            }
            assertUntouched(shm);
            // Misaligned relative to the slice, aligned in absolute terms: allowed.
            long absolutelyAligned = width.bytes() - 1;
            odd.write(width, absolutelyAligned, 0);
            assertThat(shm.io().read(width, width.bytes())).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backing.class)
    void widthsTheViewRefusesFail(Backing backing) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            fill(shm);
            SysMem config = shm.io("config").withWidths(Width.U8, Width.U16, Width.U32);
            assertThat(config.supports(Width.U64)).isFalse();
            for (Consumer<Long> access : accesses(config, Width.U64)) {
                assertThatThrownBy(() -> access.accept(8L))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("region 'config' (64 bytes): u64 ")
                        .hasMessageContaining("at offset 0x8")
                        .hasMessageContaining("supports only [u8, u16, u32]");
            }
            assertUntouched(shm);
            assertThat(config.read32(8)).isEqualTo(0x5a5a5a5a);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("widthsOnBothBackings")
    void writesToAReadOnlyViewFail(Backing backing, Width width) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            fill(shm);
            SysMem ro = shm.io("status").readOnly();
            assertThat(ro.read(width, 0)).isEqualTo(0x5a5a5a5a5a5a5a5aL & width.mask());
            for (Consumer<Long> write : writes(ro, width)) {
                assertThatThrownBy(() -> write.accept(0L))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("region 'status' (64 bytes): " + width + " write at offset 0x0")
                        .hasMessageContaining("read-only");
            }
            if (width == Width.U32) {
                assertThatThrownBy(() -> ro.update32(0, v -> v + 1)).hasMessageContaining("read-only");
            }
            assertUntouched(shm);
        }
    }

    @Test
    void aReadOnlySegmentMakesAReadOnlyView() {
        try (SharedMemory shm = SharedMemory.anonymous(SIZE)) {
            SysMem ro = SysMem.of("rom", shm.segment().asReadOnly());
            assertThat(ro.isReadOnly()).isTrue();
            assertThatThrownBy(() -> ro.write32(0, 1)).hasMessageContaining("read-only");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backing.class)
    void valuesTooWideForTheWidthFail(Backing backing) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            fill(shm);
            SysMem io = shm.io("values");
            List<ThrowingCallable> tooWide = List.of(
                    () -> io.write8(4, 0x100), () -> io.write8(4, -0x81), () -> io.write8(4, Integer.MIN_VALUE),
                    () -> io.write16(4, 0x10000), () -> io.write16(4, -0x8001),
                    () -> io.write(Width.U8, 4, 0x100), () -> io.write(Width.U8, 4, -0x81),
                    () -> io.write(Width.U16, 4, 0x1_0000), () -> io.write(Width.U16, 4, Long.MIN_VALUE),
                    () -> io.write(Width.U32, 4, 0x1_0000_0000L), () -> io.write(Width.U32, 4, -0x8000_0001L));
            for (ThrowingCallable write : tooWide) {
                assertThatThrownBy(write)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("region 'values' (64 bytes): u")
                        .hasMessageContaining(" write at offset 0x4 is refused: value 0x")
                        .hasMessageMatching(".*does not fit in (8|16|32) bits");
            }
            assertThatThrownBy(() -> io.write(Width.U32, 4, 0x1_0000_0000L))
                    .hasMessage("region 'values' (64 bytes): u32 write at offset 0x4 is refused: "
                            + "value 0x100000000 (4294967296) does not fit in 32 bits");
            assertUntouched(shm);
            // The edges of both readings are accepted.
            io.write8(4, 0xff);
            io.write8(4, -0x80);
            io.write16(4, 0xffff);
            io.write16(4, -0x8000);
            io.write(Width.U32, 4, 0xffff_ffffL);
            io.write(Width.U32, 4, Integer.MIN_VALUE);
            io.write(Width.U64, 8, Long.MIN_VALUE);
            assertThat(io.read32(4)).isEqualTo(Integer.MIN_VALUE);
        }
    }

    @Test
    void aWriteThatIsBothOutOfBoundsAndTooWideIsRefusedEitherWayWithoutWriting() {
        try (SharedMemory shm = SharedMemory.anonymous(SIZE)) {
            fill(shm);
            SysMem io = shm.io("both");
            assertThatThrownBy(() -> io.write8(SIZE, 0x100)).hasMessageContaining("region 'both'");
            assertThatThrownBy(() -> io.write16(-2, 0x10000)).hasMessageContaining("region 'both'");
            assertUntouched(shm);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("widthsOnBothBackings")
    void accessAfterCloseFailsNamingTheRegion(Backing backing, Width width) {
        SharedMemory shm = backing.allocate(FILES, SIZE);
        SysMem io = shm.io("gone");
        SysMem slice = io.slice(8, 16);
        shm.close();
        for (Consumer<Long> access : accesses(io, width)) {
            assertThatThrownBy(() -> access.accept(8L))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("region 'gone' (64 bytes): " + width)
                    .hasMessageContaining("at offset 0x8")
                    .hasMessageContaining("closed");
        }
        assertThatThrownBy(() -> slice.read(width, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region 'gone+0x8'");
    }

    @Test
    void accessAfterAUsersArenaClosedFailsNamingTheRegion() {
        MemorySegment segment;
        SysMem io;
        try (Arena arena = Arena.ofShared()) {
            segment = arena.allocate(16, 8);
            io = SysMem.of("user", segment);
            io.write64(0, 1);
        }
        assertThatThrownBy(() -> io.read64(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("region 'user' (16 bytes): u64 read at offset 0x0 failed: the region's memory was closed");
        assertThatThrownBy(() -> io.getAndAdd64(0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("region 'user' (16 bytes): u64 write at offset 0x0 failed");
    }

    @Test
    void checksComeBeforeTheClosedCheck() {
        SharedMemory shm = SharedMemory.anonymous(SIZE);
        SysMem io = shm.io("gone");
        shm.close();
        assertThatThrownBy(() -> io.read32(SIZE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> io.read32(2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accessCheckIsTheSameCheckForOtherBackends() {
        AccessCheck.check("mmio", 16, 0x1000, 12, Width.U32, java.util.EnumSet.allOf(Width.class), true, false);
        assertThatThrownBy(() -> AccessCheck.check("mmio", 16, 0x1000, 16, Width.U32,
                java.util.EnumSet.allOf(Width.class), false, false))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("region 'mmio' (16 bytes): u32 read at offset 0x10 is out of bounds: "
                        + "a u32 access needs an offset in [0x0, 0xc]");
        assertThatThrownBy(() -> AccessCheck.checkValue("mmio", 0x8, Width.U8, 0x1ff))
                .hasMessage("region 'mmio': u8 write at offset 0x8 is refused: value 0x1ff (511) does not fit in 8 bits");
    }
}
