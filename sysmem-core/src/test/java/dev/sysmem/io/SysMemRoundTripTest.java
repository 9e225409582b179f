package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every width, mode and byte order stores what it is given and reads it back, on anonymous and on
 * file-backed memory, through the width-named methods, the generic {@code read(Width, ..)} /
 * {@code write(Width, ..)} and the atomics; big-endian views really put the most significant byte
 * first in memory.
 */
class SysMemRoundTripTest {

    private static final ShmFiles FILES = new ShmFiles();
    private static final long SIZE = 256;

    @AfterAll
    static void deleteFiles() {
        FILES.deleteAll();
    }

    static Stream<Arguments> views() {
        List<Arguments> all = new ArrayList<>();
        for (Backing backing : Backing.values()) {
            for (AccessMode mode : AccessMode.values()) {
                for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                    all.add(Arguments.of(backing, mode, order));
                }
            }
        }
        return all.stream();
    }

    static Stream<Arguments> orders() {
        List<Arguments> all = new ArrayList<>();
        for (Backing backing : Backing.values()) {
            for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                all.add(Arguments.of(backing, order));
            }
        }
        return all.stream();
    }

    /** Per width: zero, one, the top bit alone, all ones, and a pattern with distinct bytes. */
    private static long[] samples(Width width) {
        long top = 1L << (width.bits() - 1);
        long pattern = 0xfedcba9876543210L & width.mask();
        return new long[] {0, 1, top, top | 1, width.mask(), pattern};
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("views")
    void widthNamedMethodsRoundTrip(Backing backing, AccessMode mode, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("rt").withMode(mode).withOrder(order);
            for (long v : samples(Width.U8)) {
                io.write8(0x08, (int) v);
                assertThat(io.read8(0x08)).as("u8 0x%x", v).isEqualTo((int) v);
            }
            for (long v : samples(Width.U16)) {
                io.write16(0x10, (int) v);
                assertThat(io.read16(0x10)).as("u16 0x%x", v).isEqualTo((int) v);
            }
            for (long v : samples(Width.U32)) {
                io.write32(0x20, (int) v);
                assertThat(io.read32(0x20)).as("u32 0x%x", v).isEqualTo((int) v);
            }
            for (long v : samples(Width.U64)) {
                io.write64(0x40, v);
                assertThat(io.read64(0x40)).as("u64 0x%x", v).isEqualTo(v);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("views")
    void signedInputsAreTheSameBitsAsUnsigned(Backing backing, AccessMode mode, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("rt").withMode(mode).withOrder(order);
            io.write8(0, -1);
            assertThat(io.read8(0)).isEqualTo(0xff);
            io.write8(0, -128);
            assertThat(io.read8(0)).isEqualTo(0x80);
            io.write16(2, -2);
            assertThat(io.read16(2)).isEqualTo(0xfffe);
            io.write(Width.U16, 2, -0x8000);
            assertThat(io.read(Width.U16, 2)).isEqualTo(0x8000);
            io.write(Width.U32, 4, -1);
            assertThat(io.read(Width.U32, 4)).isEqualTo(0xffff_ffffL);
            io.write(Width.U32, 4, Integer.MIN_VALUE);
            assertThat(io.read(Width.U32, 4)).isEqualTo(0x8000_0000L);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("views")
    void genericPathRoundTripsZeroExtended(Backing backing, AccessMode mode, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("rt").withMode(mode).withOrder(order);
            long offset = 0x80;
            for (Width width : Width.values()) {
                for (long v : samples(width)) {
                    io.write(width, offset, v);
                    assertThat(io.read(width, offset)).as("%s 0x%x", width, v).isEqualTo(v);
                }
            }
            // The two paths meet in the same memory.
            io.write(Width.U32, offset, 0x8765_4321L);
            assertThat(io.read32(offset)).isEqualTo(0x8765_4321);
            io.write16(offset, 0xfffe);
            assertThat(io.read(Width.U16, offset)).isEqualTo(0xfffeL);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("views")
    void bytesLandInTheViewsOrder(Backing backing, AccessMode mode, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("rt").withMode(mode).withOrder(order);
            io.write16(0x00, 0x0102);
            io.write32(0x04, 0x0304_0506);
            io.write64(0x08, 0x0708_090a_0b0c_0d0eL);
            boolean big = order == ByteOrder.BIG_ENDIAN;
            assertThat(bytes(shm, 0x00, 2)).containsExactly(big ? new int[] {1, 2} : new int[] {2, 1});
            assertThat(bytes(shm, 0x04, 4)).containsExactly(big ? new int[] {3, 4, 5, 6} : new int[] {6, 5, 4, 3});
            assertThat(bytes(shm, 0x08, 8)).containsExactly(big
                    ? new int[] {7, 8, 9, 10, 11, 12, 13, 14}
                    : new int[] {14, 13, 12, 11, 10, 9, 8, 7});
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("orders")
    void atomics32(Backing backing, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("atomics").withOrder(order);
            long o = 0x10;
            io.write32(o, 0x8000_00ff);
            assertThat(io.compareAndSet32(o, 0x1234, 7)).isFalse();
            assertThat(io.read32(o)).isEqualTo(0x8000_00ff);
            assertThat(io.compareAndSet32(o, 0x8000_00ff, 0xffff_fffe)).isTrue();
            assertThat(io.read32(o)).isEqualTo(0xffff_fffe);

            assertThat(io.compareAndExchange32(o, 0, 1)).isEqualTo(0xffff_fffe);
            assertThat(io.read32(o)).isEqualTo(0xffff_fffe);
            assertThat(io.compareAndExchange32(o, 0xffff_fffe, 0x0000_00ff)).isEqualTo(0xffff_fffe);

            // A carry across bytes tells a big-endian add from a swapped little-endian one.
            assertThat(io.getAndAdd32(o, 1)).isEqualTo(0x0000_00ff);
            assertThat(io.read32(o)).isEqualTo(0x0000_0100);
            io.write32(o, 0x7fff_ffff);
            assertThat(io.getAndAdd32(o, 1)).isEqualTo(0x7fff_ffff);
            assertThat(io.read32(o)).isEqualTo(0x8000_0000);
            assertThat(io.getAndAdd32(o, 0x8000_0000)).isEqualTo(0x8000_0000);
            assertThat(io.read32(o)).as("wraps").isZero();
            assertThat(io.getAndAdd32(o, -1)).isZero();
            assertThat(io.read32(o)).isEqualTo(-1);

            assertThat(io.getAndSet32(o, 0x0102_0304)).isEqualTo(-1);
            assertThat(io.getAndBitwiseOr32(o, 0x8000_0000)).isEqualTo(0x0102_0304);
            assertThat(io.getAndBitwiseAnd32(o, 0xff00_00ff)).isEqualTo(0x8102_0304);
            assertThat(io.read32(o)).isEqualTo(0x8100_0004);
            assertThat(bytes(shm, o, 4)).containsExactly(order == ByteOrder.BIG_ENDIAN
                    ? new int[] {0x81, 0, 0, 4} : new int[] {4, 0, 0, 0x81});
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("orders")
    void atomics64(Backing backing, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            SysMem io = shm.io("atomics").withOrder(order);
            long o = 0x20;
            io.write64(o, 0x8000_0000_0000_00ffL);
            assertThat(io.compareAndSet64(o, 0x1234, 7)).isFalse();
            assertThat(io.read64(o)).isEqualTo(0x8000_0000_0000_00ffL);
            assertThat(io.compareAndSet64(o, 0x8000_0000_0000_00ffL, -2L)).isTrue();
            assertThat(io.read64(o)).isEqualTo(-2L);

            assertThat(io.compareAndExchange64(o, 0, 1)).isEqualTo(-2L);
            assertThat(io.compareAndExchange64(o, -2L, 0xffL)).isEqualTo(-2L);

            assertThat(io.getAndAdd64(o, 1)).isEqualTo(0xffL);
            assertThat(io.read64(o)).isEqualTo(0x100L);
            io.write64(o, Long.MAX_VALUE);
            assertThat(io.getAndAdd64(o, 1)).isEqualTo(Long.MAX_VALUE);
            assertThat(io.read64(o)).isEqualTo(Long.MIN_VALUE);
            assertThat(io.getAndAdd64(o, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
            assertThat(io.read64(o)).as("wraps").isZero();

            assertThat(io.getAndSet64(o, 0x0102_0304_0506_0708L)).isZero();
            assertThat(io.getAndBitwiseOr64(o, Long.MIN_VALUE)).isEqualTo(0x0102_0304_0506_0708L);
            assertThat(io.getAndBitwiseAnd64(o, 0xff00_0000_0000_00ffL)).isEqualTo(0x8102_0304_0506_0708L);
            assertThat(io.read64(o)).isEqualTo(0x8100_0000_0000_0008L);
            assertThat(bytes(shm, o, 8)).containsExactly(order == ByteOrder.BIG_ENDIAN
                    ? new int[] {0x81, 0, 0, 0, 0, 0, 0, 8} : new int[] {8, 0, 0, 0, 0, 0, 0, 0x81});
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("orders")
    void atomicsIgnoreTheViewsModeAndTouchOnlyTheirBytes(Backing backing, ByteOrder order) {
        try (SharedMemory shm = backing.allocate(FILES, SIZE)) {
            for (AccessMode mode : AccessMode.values()) {
                SysMem io = shm.io("atomics").withOrder(order).withMode(mode);
                io.write64(0x30, -1L);
                io.write32(0x38, 0);
                io.write32(0x3c, -1);
                io.getAndAdd32(0x38, 5);
                assertThat(io.read32(0x38)).as(mode.toString()).isEqualTo(5);
                assertThat(io.read64(0x30)).isEqualTo(-1L);
                assertThat(io.read32(0x3c)).isEqualTo(-1);
            }
        }
    }

    private static int[] bytes(SharedMemory shm, long offset, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = Byte.toUnsignedInt(shm.segment().get(ValueLayout.JAVA_BYTE, offset + i));
        }
        return out;
    }
}
