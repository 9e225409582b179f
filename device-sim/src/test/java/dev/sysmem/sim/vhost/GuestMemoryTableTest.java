package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Translation through a memory table: guest-physical ranges may span adjacent regions, never a gap. */
class GuestMemoryTableTest {

    @TempDir
    Path dir;

    private int file(long size) throws Exception {
        Path path = dir.resolve("ram-" + System.nanoTime());
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(size);
            if (size > 0x2000) {
                f.seek(0x2000);
                f.write(0x5a);
            }
        }
        return Libc.open(path);
    }

    @Test
    void ranges_may_span_adjacent_regions_but_not_a_gap_and_bytes_land_at_their_file_offset() throws Exception {
        // [0, 8K) and [8K, 16K) adjacent, from two files; [32K, 36K) after a gap.
        List<GuestMemoryTable.Region> regions = List.of(
                new GuestMemoryTable.Region(0, 0x2000, 0x10_0000, 0),
                new GuestMemoryTable.Region(0x2000, 0x2000, 0x20_0000, 0x2000),
                new GuestMemoryTable.Region(0x8000, 0x1000, 0x30_0000, 0));
        try (GuestMemoryTable table = GuestMemoryTable.map(regions, new int[] {file(0x4000), file(0x4000), file(0x1000)})) {
            assertThat(table.refuse(0x1000, 0x2000)).as("across the adjacent regions").isNull();
            assertThat(table.refuse(0x3000, 0x1000)).isNull();
            assertThat(table.refuse(0x3000, 0x1001)).contains("guest-physical 0x4000");
            assertThat(table.refuse(0x8000, 0x1000)).isNull();
            assertThat(table.refuse(0x7fff, 2)).contains("guest-physical 0x7fff");
            assertThat(table.refuse(0x8fff, 2)).contains("guest-physical 0x9000");
            assertThat(table.refuse(-1, 1)).contains("overflows");
            // The second region maps its file from mmap_offset 0x2000, where that file holds 0x5a.
            assertThat(table.segment().get(ValueLayout.JAVA_BYTE, 0x2000)).isEqualTo((byte) 0x5a);
            assertThat(table.toGuestPhysical(0x20_0010, 16, "x")).isEqualTo(0x2010);
            assertThat(table.toGuestPhysical(0x30_0000, 0x1000, "x")).isEqualTo(0x8000);
            assertThatThrownBy(() -> table.toGuestPhysical(0x10_1ff8, 16, "the used ring"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the used ring at front-end address 0x101ff8 (16 bytes) is in no region");
        }
    }

    @Test
    void a_region_too_far_up_is_refused_and_its_descriptor_closed() throws Exception {
        int fd = file(0x1000);
        assertThatThrownBy(() -> GuestMemoryTable.map(
                List.of(new GuestMemoryTable.Region(GuestMemoryTable.MAX_GUEST_PHYSICAL, 0x1000, 0, 0)), new int[] {fd}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not end below 2^40");
        assertThatThrownBy(() -> Libc.close(fd)).as("the table closed the descriptor").hasMessageContaining("errno 9");
    }
}
