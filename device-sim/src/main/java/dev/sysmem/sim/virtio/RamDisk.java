package dev.sysmem.sim.virtio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A virtio-blk device function over a disk held in memory: it serves the requests of VIRTIO 1.x's
 * "Block Device" section (oasis-tcs/virtio-spec, {@code device-types/blk/description.tex}).
 *
 * <p>Each request is one descriptor chain laid out as {@code struct virtio_blk_req}: the
 * device-readable header {@code le32 type; le32 reserved; le64 sector}, then the data (readable
 * for a write, writable for a read), then one device-writable {@code u8 status} — the last byte
 * of the writable buffers. How the bytes are split into descriptors does not matter (the spec's
 * "Message Framing").
 *
 * <table>
 *   <caption>Requests served, and what {@code used.len} reports</caption>
 *   <tr><th>type</th><th>effect</th><th>used.len</th></tr>
 *   <tr><td>{@link #T_IN} (0)</td><td>reads {@code data.length} bytes from sector {@code sector}
 *       (times 512) into the writable data</td><td>data bytes + 1 on success, 1 on error</td></tr>
 *   <tr><td>{@link #T_OUT} (1)</td><td>writes the readable data to sector {@code sector}</td><td>1</td></tr>
 *   <tr><td>{@link #T_FLUSH} (4)</td><td>nothing to flush in memory; completes</td><td>1</td></tr>
 *   <tr><td>{@link #T_GET_ID} (8)</td><td>writes the ID string, NUL-padded to 20 bytes</td><td>21</td></tr>
 *   <tr><td>other</td><td>status {@link #S_UNSUPP}</td><td>1</td></tr>
 * </table>
 *
 * <p>Status {@link #S_IOERR} answers a data length that is not a multiple of 512 ("The length of
 * data MUST be a multiple of 512 bytes for VIRTIO_BLK_T_IN and VIRTIO_BLK_T_OUT requests"), a range
 * past the capacity ("A driver MUST NOT submit a request which would cause a read or write beyond
 * capacity"), a GET_ID whose data is not 20 bytes, and any write to a read-only disk — which then
 * writes nothing ("A device MUST set the status byte to VIRTIO_BLK_S_IOERR for a write request if
 * the VIRTIO_BLK_F_RO feature if offered, and MUST NOT write any data"). A chain without a 16-byte
 * readable header or a writable status byte cannot be answered at all; like QEMU's "virtio-blk
 * missing headers", that stops the device ({@link VirtqueueFault}).
 *
 * <p><b>Guarantees.</b> The disk starts zeroed. {@code used.len} is exactly the bytes written (the
 * spec's "len the total of bytes written into the buffer"; QEMU pushes data size + status byte the
 * same way). Used by one device thread; {@link #contents()} may be read by another thread once the
 * device has stopped or the driver has harvested the request that wrote it.
 *
 * <pre>{@code
 * RamDisk disk = RamDisk.create(2048, "sysmem-ramdisk", false);   // 1 MiB
 * VirtqueueDevice device = VirtqueueDevice.attach("blk0", guest, layout,
 *         VirtioFeatures.negotiate(disk.offeredFeatures(), driverFeatures), disk, irq::raise);
 * }</pre>
 */
public final class RamDisk implements ChainHandler {

    /** Bytes of a sector: the unit of {@code sector} and of data lengths, always 512. */
    public static final int SECTOR_SIZE = 512;
    /** Bytes of the request header. */
    public static final int HEADER_SIZE = 16;
    /** Bytes of the data of a GET_ID request. */
    public static final int ID_SIZE = 20;

    /** {@code VIRTIO_BLK_T_IN}: read. */
    public static final int T_IN = 0;
    /** {@code VIRTIO_BLK_T_OUT}: write. */
    public static final int T_OUT = 1;
    /** {@code VIRTIO_BLK_T_FLUSH}. */
    public static final int T_FLUSH = 4;
    /** {@code VIRTIO_BLK_T_GET_ID}. */
    public static final int T_GET_ID = 8;

    /** {@code VIRTIO_BLK_S_OK}. */
    public static final int S_OK = 0;
    /** {@code VIRTIO_BLK_S_IOERR}. */
    public static final int S_IOERR = 1;
    /** {@code VIRTIO_BLK_S_UNSUPP}. */
    public static final int S_UNSUPP = 2;

    /** {@code VIRTIO_BLK_F_RO}: the device is read-only. */
    public static final int F_RO = 5;
    /** {@code VIRTIO_BLK_F_FLUSH}: the device supports the flush command. */
    public static final int F_FLUSH = 9;
    /** The device ID of a block device. */
    public static final int DEVICE_ID = 2;

    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment disk;
    private final long capacity;
    private final boolean readOnly;
    private final MemorySegment id;
    private final MemorySegment header;

    private RamDisk(long capacity, String deviceId, boolean readOnly) {
        Arena arena = Arena.ofAuto();
        this.disk = arena.allocate(capacity * SECTOR_SIZE, 4096);
        this.capacity = capacity;
        this.readOnly = readOnly;
        this.id = arena.allocate(ID_SIZE);
        MemorySegment.copy(deviceId.getBytes(StandardCharsets.US_ASCII), 0, id, ValueLayout.JAVA_BYTE, 0,
                deviceId.length());
        this.header = arena.allocate(HEADER_SIZE, 8);
    }

    /**
     * A zeroed disk of {@code sectors} 512-byte sectors.
     *
     * @param deviceId the ID string GET_ID returns: printable ASCII, at most 20 characters
     * @param readOnly whether the device offers {@link #F_RO} and refuses writes
     * @throws IllegalArgumentException if the capacity is not positive or too large, or the ID is
     *                                  not 0-20 printable ASCII characters
     */
    public static RamDisk create(long sectors, String deviceId, boolean readOnly) {
        Objects.requireNonNull(deviceId, "deviceId");
        if (sectors <= 0 || sectors > Long.MAX_VALUE / SECTOR_SIZE) {
            throw new IllegalArgumentException("RAM disk capacity must be a positive number of 512-byte sectors, was "
                    + sectors);
        }
        if (deviceId.length() > ID_SIZE || !deviceId.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("virtio-blk device ID '" + deviceId + "' must be at most " + ID_SIZE
                    + " printable ASCII characters");
        }
        return new RamDisk(sectors, deviceId, readOnly);
    }

    /** Capacity in 512-byte sectors (the config-space {@code capacity} field). */
    public long capacity() {
        return capacity;
    }

    /** Whether writes are refused. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** The features this device offers: VERSION_1, EVENT_IDX, FLUSH, and RO if read-only. */
    public VirtioFeatures offeredFeatures() {
        return readOnly
                ? VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, F_FLUSH, F_RO)
                : VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, F_FLUSH);
    }

    /** The disk's bytes, read-only. */
    public MemorySegment contents() {
        return disk.asReadOnly();
    }

    @Override
    public long handle(DescriptorChain chain) {
        if (chain.readableBytes() < HEADER_SIZE || chain.writableBytes() < 1) {
            throw new VirtqueueFault("virtio-blk", "request at head " + chain.head() + " has " + chain.readableBytes()
                    + " readable and " + chain.writableBytes() + " writable bytes: it needs a " + HEADER_SIZE
                    + "-byte readable header and a writable status byte");
        }
        chain.gather(0, header);
        int type = header.get(LE_INT, 0);
        long sector = header.get(LE_LONG, 8);
        long statusAt = chain.writableBytes() - 1;
        return switch (type) {
            case T_IN -> read(chain, sector, statusAt);
            case T_OUT -> write(chain, sector, chain.readableBytes() - HEADER_SIZE, statusAt);
            case T_FLUSH -> status(chain, statusAt, S_OK);
            case T_GET_ID -> getId(chain, statusAt);
            default -> status(chain, statusAt, S_UNSUPP);
        };
    }

    private long read(DescriptorChain chain, long sector, long statusAt) {
        long bytes = statusAt;
        if (!inRange(sector, bytes)) {
            return status(chain, statusAt, S_IOERR);
        }
        chain.scatter(0, disk.asSlice(sector * SECTOR_SIZE, bytes));
        chain.putByte(statusAt, (byte) S_OK);
        return bytes + 1;
    }

    private long write(DescriptorChain chain, long sector, long bytes, long statusAt) {
        if (readOnly || !inRange(sector, bytes)) {
            return status(chain, statusAt, S_IOERR);
        }
        chain.gather(HEADER_SIZE, disk.asSlice(sector * SECTOR_SIZE, bytes));
        return status(chain, statusAt, S_OK);
    }

    private long getId(DescriptorChain chain, long statusAt) {
        if (statusAt != ID_SIZE) {
            return status(chain, statusAt, S_IOERR);
        }
        chain.scatter(0, id);
        chain.putByte(statusAt, (byte) S_OK);
        return ID_SIZE + 1;
    }

    /** Whether {@code bytes} at {@code sector} is whole sectors inside the disk; {@code sector} is a u64. */
    private boolean inRange(long sector, long bytes) {
        return bytes % SECTOR_SIZE == 0 && sector >= 0 && sector <= capacity
                && bytes / SECTOR_SIZE <= capacity - sector;
    }

    private static long status(DescriptorChain chain, long statusAt, int status) {
        chain.putByte(statusAt, (byte) status);
        return 1;
    }

    @Override
    public String toString() {
        return "RamDisk[" + capacity + " sectors" + (readOnly ? ", read-only" : "") + "]";
    }
}
