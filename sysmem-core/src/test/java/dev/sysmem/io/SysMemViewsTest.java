package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.nio.ByteOrder;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The views a {@link SysMem} makes: each is a value over the same memory, and only narrows. */
class SysMemViewsTest {

    /** A VIRTIO split-ring descriptor (VIRTIO 1.x, 2.7.5): addr, len, flags, next. */
    private static final StructLayout DESCRIPTOR = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"),
            JAVA_SHORT.withName("flags"), JAVA_SHORT.withName("next")).withName("desc");
    private static final SequenceLayout TABLE = MemoryLayout.sequenceLayout(8, DESCRIPTOR);

    private SharedMemory shm;
    private SysMem io;

    @BeforeEach
    void allocate() {
        shm = SharedMemory.anonymous(256);
        io = shm.io("ring");
    }

    @AfterEach
    void free() {
        shm.close();
    }

    @Test
    void defaultsAreOpaqueLittleEndianEveryWidthWritable() {
        assertThat(io.mode()).isEqualTo(AccessMode.OPAQUE);
        assertThat(io.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(io.widths()).containsExactly(Width.U8, Width.U16, Width.U32, Width.U64);
        assertThat(io.isReadOnly()).isFalse();
        assertThat(io.name()).isEqualTo("ring");
        assertThat(io.size()).isEqualTo(256);
        assertThat(io.toString()).contains("ring", "256 bytes", "OPAQUE", "LITTLE_ENDIAN");
    }

    @Test
    void heapSegmentsAreRefused() {
        assertThatThrownBy(() -> SysMem.of("heap", MemorySegment.ofArray(new long[4])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 'heap'")
                .hasMessageContaining("native");
    }

    @Test
    void aSliceIsAWindowOntoTheSameMemory() {
        SysMem slice = io.slice(0x40, 0x20);
        assertThat(slice.name()).isEqualTo("ring+0x40");
        assertThat(slice.size()).isEqualTo(0x20);
        slice.write32(0, 0xcafe_f00d);
        assertThat(io.read32(0x40)).isEqualTo(0xcafe_f00d);
        io.write64(0x58, -1L);
        assertThat(slice.read64(0x18)).isEqualTo(-1L);
        assertThatThrownBy(() -> slice.read32(0x20))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("region 'ring+0x40' (32 bytes)");
        // Slices of slices add up, and keep every property of the view they come from.
        SysMem narrow = io.withMode(AccessMode.VOLATILE).withOrder(ByteOrder.BIG_ENDIAN).withWidths(Width.U32)
                .readOnly().slice(0x40, 0x20).slice(4, 8);
        assertThat(narrow.name()).isEqualTo("ring+0x40+0x4");
        assertThat(narrow.mode()).isEqualTo(AccessMode.VOLATILE);
        assertThat(narrow.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(narrow.widths()).containsExactly(Width.U32);
        assertThat(narrow.isReadOnly()).isTrue();
        assertThat(narrow.segment().address()).isEqualTo(io.segment().address() + 0x44);
    }

    @Test
    void slicesThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> io.slice(0xf0, 0x20))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("region 'ring' (256 bytes): a slice of 32 bytes at offset 0xf0 does not fit in the region");
        assertThatThrownBy(() -> io.slice(-8, 4)).hasMessageContaining("offset -0x8");
        assertThatThrownBy(() -> io.slice(0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> io.slice(Long.MAX_VALUE, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> io.slice(2, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(io.slice(256, 0).size()).isZero();
    }

    @Test
    void projectSelectsAMemberOfALayout() {
        SysMem len = io.project(TABLE, sequenceElement(2), groupElement("len"));
        assertThat(len.name()).isEqualTo("ring[2].len");
        assertThat(len.size()).isEqualTo(4);
        assertThat(len.segment().address()).isEqualTo(io.segment().address() + 2 * 16 + 8);
        len.write32(0, 1500);
        assertThat(io.read32(2 * 16 + 8)).isEqualTo(1500);

        SysMem third = io.project(TABLE, sequenceElement(3));
        assertThat(third.name()).isEqualTo("ring[3]");
        assertThat(third.size()).isEqualTo(16);
        third.write16(14, 7);
        assertThat(io.read16(3 * 16 + 14)).isEqualTo(7);

        SysMem flags = io.slice(0x10, 16).project(DESCRIPTOR, groupElement("flags"));
        assertThat(flags.name()).isEqualTo("ring+0x10.flags");
        assertThat(flags.size()).isEqualTo(2);
        assertThat(flags.segment().address()).isEqualTo(io.segment().address() + 0x10 + 12);
        assertThat(io.project(DESCRIPTOR).name()).isEqualTo("ring.desc");
    }

    @Test
    void projectKeepsTheViewsProperties() {
        SysMem view = io.withOrder(ByteOrder.BIG_ENDIAN).withMode(AccessMode.ACQUIRE_RELEASE).readOnly()
                .project(TABLE, sequenceElement(1), groupElement("addr"));
        assertThat(view.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(view.mode()).isEqualTo(AccessMode.ACQUIRE_RELEASE);
        assertThat(view.isReadOnly()).isTrue();
    }

    @Test
    void projectRefusesPathsThatSelectNothingOrSeveralAndLayoutsThatDoNotFit() {
        assertThatThrownBy(() -> io.project(TABLE, sequenceElement(0), groupElement("length")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("region 'ring': cannot project");
        assertThatThrownBy(() -> io.project(TABLE, sequenceElement(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("region 'ring': cannot project");
        assertThatThrownBy(() -> io.project(TABLE, sequenceElement(), groupElement("len")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 'ring': cannot project")
                .hasMessageContaining("selects several members");
        SequenceLayout tooLong = MemoryLayout.sequenceLayout(32, DESCRIPTOR);
        assertThatThrownBy(() -> io.project(tooLong, sequenceElement(0)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("region 'ring' (256 bytes): cannot project")
                .hasMessageContaining("512 bytes, larger than the region");
        assertThatThrownBy(() -> io.slice(4, 32).project(DESCRIPTOR, groupElement("len")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 'ring+0x4'")
                .hasMessageContaining("not aligned to the layout's 8 bytes");
    }

    @Test
    void withModeChangesOnlyTheMode() {
        for (AccessMode mode : AccessMode.values()) {
            SysMem view = io.withMode(mode);
            assertThat(view.mode()).isEqualTo(mode);
            view.write32(0, mode.ordinal() + 1);
            assertThat(io.read32(0)).isEqualTo(mode.ordinal() + 1);
            assertThat(view.name()).isEqualTo("ring");
            assertThat(view.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        }
        assertThat(io.withMode(AccessMode.VOLATILE).relaxed().mode()).isEqualTo(AccessMode.OPAQUE);
        assertThat(io.mode()).as("the original view is unchanged").isEqualTo(AccessMode.OPAQUE);
    }

    @Test
    void withOrderReadsTheSameBytesTheOtherWayRound() {
        SysMem big = io.withOrder(ByteOrder.BIG_ENDIAN);
        io.write32(0, 0x1122_3344);
        assertThat(big.read32(0)).isEqualTo(0x4433_2211);
        big.write16(4, 0xabcd);
        assertThat(io.read16(4)).isEqualTo(0xcdab);
        big.write64(8, 0x0102_0304_0506_0708L);
        assertThat(io.read64(8)).isEqualTo(0x0807_0605_0403_0201L);
        io.write8(16, 0x99);
        assertThat(big.read8(16)).as("a byte has no order").isEqualTo(0x99);
        assertThat(big.withOrder(ByteOrder.LITTLE_ENDIAN).read32(0)).isEqualTo(0x1122_3344);
    }

    @Test
    void aReadOnlyViewSeesWritesMadeThroughAWritableOne() {
        SysMem ro = io.readOnly();
        io.write32(0x10, 42);
        assertThat(ro.read32(0x10)).isEqualTo(42);
        assertThat(ro.isReadOnly()).isTrue();
        assertThat(ro.withMode(AccessMode.VOLATILE).withOrder(ByteOrder.BIG_ENDIAN).slice(0, 8).isReadOnly()).isTrue();
        assertThatThrownBy(() -> ro.write32(0x10, 1)).hasMessageContaining("read-only");
        assertThat(io.read32(0x10)).isEqualTo(42);
    }

    @Test
    void withWidthsOnlyNarrows() {
        SysMem config = io.withWidths(Width.U8, Width.U16, Width.U32);
        assertThat(config.widths()).containsExactly(Width.U8, Width.U16, Width.U32);
        assertThat(config.supports(Width.U64)).isFalse();
        assertThat(config.withWidths(Width.U32).widths()).containsExactly(Width.U32);
        assertThatThrownBy(() -> config.withWidths(Width.U32, Width.U64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("region 'ring': cannot allow u64 accesses again; this view supports only [u8, u16, u32]");
        assertThatThrownBy(io::withWidths)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one width");
        assertThat(EnumSet.copyOf(io.withWidths(Width.U64, Width.U64).widths())).containsExactly(Width.U64);
    }

    @Test
    void withNameRenamesTheRegionInMessages() {
        SysMem bar = io.withName("bar2");
        assertThatThrownBy(() -> bar.read32(256)).hasMessageContaining("region 'bar2' (256 bytes)");
        bar.write32(0, 5);
        assertThat(io.read32(0)).isEqualTo(5);
    }

    @Test
    void viewsOverAMappedFileAreMappedToo() throws Exception {
        ShmFiles files = new ShmFiles();
        try (SharedMemory file = SharedMemory.create(files.next("views"), 4096)) {
            SysMem view = file.io("file").slice(8, 64).withOrder(ByteOrder.BIG_ENDIAN).withMode(AccessMode.ACQUIRE_RELEASE);
            assertThat(view.segment().isMapped()).isTrue();
            view.write32(0, 0x0a0b0c0d);
            assertThat(file.io().read32(8)).isEqualTo(0x0d0c0b0a);
        } finally {
            files.deleteAll();
        }
    }
}
