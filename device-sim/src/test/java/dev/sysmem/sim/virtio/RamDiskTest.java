package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The virtio-blk requests of VIRTIO 1.x "Block Device" (device-types/blk/description.tex), built
 * by hand in guest memory as {@code struct virtio_blk_req}: le32 type, le32 reserved, le64 sector,
 * data, u8 status.
 */
class RamDiskTest {

    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long CAPACITY = 64;

    private final RamDisk disk = RamDisk.create(CAPACITY, "sysmem-test-disk", false);
    private final QueuePair q = new QueuePair(16, true, disk);
    private final MemorySegment mem = q.memory.segment();
    private final long header = q.buffers;
    private final long data = q.buffers + 4096;
    private final long status = q.buffers + 3 * 4096;
    private long lastLen;

    @org.junit.jupiter.api.AfterEach
    void close() {
        q.close();
    }

    private void header(int type, long sector) {
        mem.set(LE_INT, header, type);
        mem.set(LE_INT, header + 4, 0);
        mem.set(LE_LONG, header + 8, sector);
        mem.set(ValueLayout.JAVA_BYTE, status, (byte) 0x7f);
    }

    /** Submits one chain, lets the device serve it, harvests it; returns the status byte. */
    private int run(long[] addr, long[] len, int readable, int writable) {
        assertThat(q.driver.add(addr, len, readable, writable)).isNotNegative();
        assertThat(q.device.processAvailable()).isEqualTo(1);
        assertThat(q.driver.harvest((id, n) -> lastLen = n)).isEqualTo(1);
        return mem.get(ValueLayout.JAVA_BYTE, status);
    }

    private int write(long sector, long bytes) {
        header(RamDisk.T_OUT, sector);
        return run(new long[] {header, data, status}, new long[] {16, bytes, 1}, 2, 1);
    }

    private int read(long sector, long bytes) {
        header(RamDisk.T_IN, sector);
        return run(new long[] {header, data, status}, new long[] {16, bytes, 1}, 1, 2);
    }

    private void pattern(long bytes, int seed) {
        for (long i = 0; i < bytes; i++) {
            mem.set(ValueLayout.JAVA_BYTE, data + i, (byte) (i * 31 + seed));
        }
    }

    @Test
    void aWrittenSectorReadsBackAndUsedLenCountsDataPlusStatus() {
        pattern(1024, 5);
        byte[] written = mem.asSlice(data, 1024).toArray(ValueLayout.JAVA_BYTE);
        assertThat(write(5, 1024)).isEqualTo(RamDisk.S_OK);
        assertThat(lastLen).as("a write only writes the status byte").isEqualTo(1);
        assertThat(disk.contents().asSlice(5 * 512, 1024).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(written);
        assertThat(disk.contents().asSlice(0, 5 * 512).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);

        mem.asSlice(data, 1024).fill((byte) 0);
        assertThat(read(5, 1024)).isEqualTo(RamDisk.S_OK);
        assertThat(lastLen).as("data + status").isEqualTo(1025);
        assertThat(mem.asSlice(data, 1024).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(written);
    }

    @Test
    void theRequestMayBeSplitOverDescriptorsAnyWay() {
        pattern(512, 9);
        byte[] written = mem.asSlice(data, 512).toArray(ValueLayout.JAVA_BYTE);
        header(RamDisk.T_OUT, 7);
        // header in 10 + 6 bytes, data in 100 + 412 bytes
        assertThat(run(new long[] {header, header + 10, data, data + 100, status}, new long[] {10, 6, 100, 412, 1}, 4, 1))
                .isEqualTo(RamDisk.S_OK);
        assertThat(disk.contents().asSlice(7 * 512, 512).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(written);

        // read into two writable pieces, the second also carrying the status as its last byte
        long tail = q.buffers + 5 * 4096;
        header(RamDisk.T_IN, 7);
        assertThat(q.driver.add(new long[] {header, data, tail}, new long[] {16, 300, 213}, 1, 2)).isNotNegative();
        q.device.processAvailable();
        q.driver.harvest((id, n) -> lastLen = n);
        assertThat(lastLen).isEqualTo(513);
        assertThat(mem.get(ValueLayout.JAVA_BYTE, tail + 212)).isEqualTo((byte) RamDisk.S_OK);
        byte[] back = new byte[512];
        MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, data, back, 0, 300);
        MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, tail, back, 300, 212);
        assertThat(back).isEqualTo(written);
    }

    @Test
    void dataThatIsNotWholeSectorsIsAnIoError() {
        pattern(100, 1);
        assertThat(write(3, 100)).isEqualTo(RamDisk.S_IOERR);
        assertThat(lastLen).isEqualTo(1);
        assertThat(disk.contents().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        assertThat(read(3, 700)).isEqualTo(RamDisk.S_IOERR);
        assertThat(lastLen).as("only the status byte was written").isEqualTo(1);
    }

    @Test
    void requestsBeyondTheCapacityAreIoErrors() {
        pattern(1024, 2);
        assertThat(write(CAPACITY - 1, 1024)).isEqualTo(RamDisk.S_IOERR);
        assertThat(write(CAPACITY, 512)).isEqualTo(RamDisk.S_IOERR);
        assertThat(write(-1, 512)).as("sector is a u64: 2^64-1").isEqualTo(RamDisk.S_IOERR);
        assertThat(read(CAPACITY, 512)).isEqualTo(RamDisk.S_IOERR);
        assertThat(disk.contents().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        assertThat(write(CAPACITY - 2, 1024)).as("the last two sectors").isEqualTo(RamDisk.S_OK);
        assertThat(read(CAPACITY, 0)).as("an empty read at the end").isEqualTo(RamDisk.S_OK);
    }

    @Test
    void aReadOnlyDiskRefusesWritesAndWritesNothing() {
        RamDisk ro = RamDisk.create(8, "ro", true);
        assertThat(ro.offeredFeatures().has(RamDisk.F_RO)).isTrue();
        assertThat(disk.offeredFeatures().has(RamDisk.F_RO)).isFalse();
        try (QueuePair p = new QueuePair(8, true, ro)) {
            MemorySegment m = p.memory.segment();
            long h = p.buffers;
            long d = p.buffers + 512;
            long s = p.buffers + 2048;
            m.asSlice(d, 512).fill((byte) 0x44);
            m.set(LE_INT, h, RamDisk.T_OUT);
            m.set(LE_LONG, h + 8, 1);
            p.driver.add(new long[] {h, d, s}, new long[] {16, 512, 1}, 2, 1);
            p.device.processAvailable();
            p.driver.harvest((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(m.get(ValueLayout.JAVA_BYTE, s)).isEqualTo((byte) RamDisk.S_IOERR);
            assertThat(ro.contents().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        }
    }

    @Test
    void flushCompletesWithOk() {
        header(RamDisk.T_FLUSH, 0);
        assertThat(run(new long[] {header, status}, new long[] {16, 1}, 1, 1)).isEqualTo(RamDisk.S_OK);
        assertThat(lastLen).isEqualTo(1);
        assertThat(disk.offeredFeatures().has(RamDisk.F_FLUSH)).isTrue();
    }

    @Test
    void getIdReturnsTheNulPaddedIdString() {
        mem.asSlice(data, 20).fill((byte) 0x7e);
        header(RamDisk.T_GET_ID, 0);
        assertThat(run(new long[] {header, data, status}, new long[] {16, 20, 1}, 1, 2)).isEqualTo(RamDisk.S_OK);
        assertThat(lastLen).isEqualTo(21);
        byte[] id = mem.asSlice(data, 20).toArray(ValueLayout.JAVA_BYTE);
        byte[] expected = new byte[20];
        byte[] name = "sysmem-test-disk".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, expected, 0, name.length);
        assertThat(id).isEqualTo(expected);

        // "The length of data MUST be 20 bytes for VIRTIO_BLK_T_GET_ID requests."
        header(RamDisk.T_GET_ID, 0);
        assertThat(run(new long[] {header, data, status}, new long[] {16, 19, 1}, 1, 2)).isEqualTo(RamDisk.S_IOERR);
    }

    @Test
    void unknownRequestTypesAreUnsupported() {
        for (int type : new int[] {2, 11, 13, 0xff, -1}) {
            header(type, 0);
            assertThat(run(new long[] {header, status}, new long[] {16, 1}, 1, 1)).as("type %d", type)
                    .isEqualTo(RamDisk.S_UNSUPP);
            assertThat(lastLen).isEqualTo(1);
        }
    }

    @Test
    void aRequestWithoutHeaderOrStatusStopsTheDevice() {
        header(RamDisk.T_IN, 0);
        q.driver.add(new long[] {header, status}, new long[] {8, 1}, 1, 1);
        assertThatThrownBy(q.device::processAvailable)
                .isInstanceOf(VirtqueueFault.class)
                .hasMessageContaining("8 readable and 1 writable bytes")
                .hasMessageContaining("16-byte readable header");
        assertThat(q.device.isStopped()).isTrue();
        assertThat(q.read16(q.layout.usedIdx())).isZero();
    }

    @Test
    void capacityAndIdAreChecked() {
        assertThatThrownBy(() -> RamDisk.create(0, "x", false)).hasMessageContaining("positive number of 512-byte sectors");
        assertThatThrownBy(() -> RamDisk.create(1, "an-id-that-is-too-long", false)).hasMessageContaining("at most 20");
        assertThat(disk.capacity()).isEqualTo(CAPACITY);
    }
}
