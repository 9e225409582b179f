package dev.sysmem.sim.virtio;

/**
 * Where the three parts of a VIRTIO 1.x split virtqueue lie in guest memory, and where each field
 * of them is: the descriptor table, the available ring (driver area) and the used ring (device
 * area), for one queue size.
 *
 * <p>Offsets are guest-physical addresses, that is byte offsets into the guest-memory segment the
 * driver and the device share. Every field is little-endian (VIRTIO 1.x, "split-ring.tex" in
 * oasis-tcs/virtio-spec).
 *
 * <table>
 *   <caption>Parts of a split virtqueue (VIRTIO 1.x, "Split Virtqueues")</caption>
 *   <tr><th>part</th><th>alignment</th><th>size</th><th>content</th></tr>
 *   <tr><td>descriptor table</td><td>16</td><td>16·QS</td>
 *       <td>{@code le64 addr; le32 len; le16 flags; le16 next} per descriptor</td></tr>
 *   <tr><td>available ring</td><td>2</td><td>6 + 2·QS</td>
 *       <td>{@code le16 flags; le16 idx; le16 ring[QS]; le16 used_event}</td></tr>
 *   <tr><td>used ring</td><td>4</td><td>6 + 8·QS</td>
 *       <td>{@code le16 flags; le16 idx; {le32 id; le32 len} ring[QS]; le16 avail_event}</td></tr>
 * </table>
 *
 * <p><b>Guarantees.</b> A layout is immutable and valid by construction: the queue size is a power
 * of two in [1, 32768], each part starts at a multiple of its alignment, no two parts overlap, and
 * no offset is negative or overflows. The sizes include the event words ({@code used_event},
 * {@code avail_event}), which exist only when {@code VIRTIO_F_EVENT_IDX} is negotiated but are
 * always reserved here, as the spec's size column does. Anything else is refused with an
 * {@link IllegalArgumentException} that names the part, the offset and the alignment or size.
 *
 * <pre>{@code
 * VirtqueueLayout layout = VirtqueueLayout.contiguous(256, 0x1000);  // desc, avail, used back to back
 * long rings = layout.end();                                          // first byte after the used ring
 * }</pre>
 */
public final class VirtqueueLayout {

    /** The largest queue size VIRTIO allows: the highest power of two that fits in 16 bits. */
    public static final int MAX_QUEUE_SIZE = 32768;
    /** Bytes of one descriptor. */
    public static final int DESCRIPTOR_SIZE = 16;
    /** Bytes of one used-ring element ({@code le32 id; le32 len}). */
    public static final int USED_ELEMENT_SIZE = 8;
    /** Alignment of the descriptor table. */
    public static final int DESCRIPTOR_TABLE_ALIGNMENT = 16;
    /** Alignment of the available ring. */
    public static final int AVAILABLE_RING_ALIGNMENT = 2;
    /** Alignment of the used ring. */
    public static final int USED_RING_ALIGNMENT = 4;

    private final int queueSize;
    private final long descriptorTable;
    private final long availableRing;
    private final long usedRing;

    private VirtqueueLayout(int queueSize, long descriptorTable, long availableRing, long usedRing) {
        this.queueSize = queueSize;
        this.descriptorTable = descriptorTable;
        this.availableRing = availableRing;
        this.usedRing = usedRing;
    }

    /**
     * The three parts back to back from {@code base}: the descriptor table at {@code base}
     * rounded up to 16, the available ring right after it, the used ring after that rounded up
     * to 4.
     *
     * @throws IllegalArgumentException if {@code queueSize} is not a power of two in [1, 32768] or
     *                                  {@code base} is negative or too large
     */
    public static VirtqueueLayout contiguous(int queueSize, long base) {
        checkQueueSize(queueSize);
        if (base < 0 || base > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("virtqueue base address 0x" + Long.toHexString(base)
                    + " is not a guest-physical address in [0, 2^62)");
        }
        long desc = alignUp(base, DESCRIPTOR_TABLE_ALIGNMENT);
        long avail = desc + descriptorTableSize(queueSize);
        long used = alignUp(avail + availableRingSize(queueSize), USED_RING_ALIGNMENT);
        return new VirtqueueLayout(queueSize, desc, avail, used);
    }

    /**
     * The three parts at the given guest-physical addresses, as a driver that allocates them
     * separately would place them (the transport's {@code queue_desc}, {@code queue_driver},
     * {@code queue_device}).
     *
     * @throws IllegalArgumentException if the queue size is invalid, a part is misaligned or
     *                                  negative, or two parts overlap
     */
    public static VirtqueueLayout of(int queueSize, long descriptorTable, long availableRing, long usedRing) {
        checkQueueSize(queueSize);
        checkPart("descriptor table", descriptorTable, DESCRIPTOR_TABLE_ALIGNMENT, descriptorTableSize(queueSize));
        checkPart("available ring", availableRing, AVAILABLE_RING_ALIGNMENT, availableRingSize(queueSize));
        checkPart("used ring", usedRing, USED_RING_ALIGNMENT, usedRingSize(queueSize));
        checkDisjoint("descriptor table", descriptorTable, descriptorTableSize(queueSize),
                "available ring", availableRing, availableRingSize(queueSize));
        checkDisjoint("descriptor table", descriptorTable, descriptorTableSize(queueSize),
                "used ring", usedRing, usedRingSize(queueSize));
        checkDisjoint("available ring", availableRing, availableRingSize(queueSize),
                "used ring", usedRing, usedRingSize(queueSize));
        return new VirtqueueLayout(queueSize, descriptorTable, availableRing, usedRing);
    }

    /**
     * Checks that {@code queueSize} is a valid split-virtqueue size: a power of two from 1 to
     * {@value #MAX_QUEUE_SIZE}.
     *
     * @throws IllegalArgumentException naming the size and the rule it breaks
     */
    public static void checkQueueSize(int queueSize) {
        if (queueSize < 1 || queueSize > MAX_QUEUE_SIZE) {
            throw new IllegalArgumentException("virtqueue size " + queueSize + " is out of range: a split "
                    + "virtqueue holds 1 to " + MAX_QUEUE_SIZE + " descriptors");
        }
        if (Integer.bitCount(queueSize) != 1) {
            throw new IllegalArgumentException("virtqueue size " + queueSize + " is not a power of two "
                    + "(VIRTIO 1.x: \"Queue Size value is always a power of 2\")");
        }
    }

    /** Bytes of the descriptor table for {@code queueSize}: 16·QS. */
    public static long descriptorTableSize(int queueSize) {
        return (long) DESCRIPTOR_SIZE * queueSize;
    }

    /** Bytes of the available ring for {@code queueSize}, {@code used_event} included: 6 + 2·QS. */
    public static long availableRingSize(int queueSize) {
        return 6 + 2L * queueSize;
    }

    /** Bytes of the used ring for {@code queueSize}, {@code avail_event} included: 6 + 8·QS. */
    public static long usedRingSize(int queueSize) {
        return 6 + (long) USED_ELEMENT_SIZE * queueSize;
    }

    private static void checkPart(String part, long offset, int alignment, long size) {
        if (offset < 0 || offset > Long.MAX_VALUE / 2 - size) {
            throw new IllegalArgumentException("virtqueue " + part + " at 0x" + Long.toHexString(offset)
                    + " is not a guest-physical address in [0, 2^62)");
        }
        if (offset % alignment != 0) {
            throw new IllegalArgumentException("virtqueue " + part + " at 0x" + Long.toHexString(offset)
                    + " is misaligned: it must start at a multiple of " + alignment);
        }
    }

    private static void checkDisjoint(String a, long aStart, long aSize, String b, long bStart, long bSize) {
        if (aStart < bStart + bSize && bStart < aStart + aSize) {
            throw new IllegalArgumentException("virtqueue " + a + " [0x" + Long.toHexString(aStart) + ", 0x"
                    + Long.toHexString(aStart + aSize) + ") overlaps the " + b + " [0x" + Long.toHexString(bStart)
                    + ", 0x" + Long.toHexString(bStart + bSize) + ")");
        }
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** The queue size QS: number of descriptors, and of entries in each ring. */
    public int queueSize() {
        return queueSize;
    }

    /** Address of the descriptor table. */
    public long descriptorTable() {
        return descriptorTable;
    }

    /** Address of the available ring (the driver area). */
    public long availableRing() {
        return availableRing;
    }

    /** Address of the used ring (the device area). */
    public long usedRing() {
        return usedRing;
    }

    /** The first byte after the highest part: guest memory must be at least this large. */
    public long end() {
        return Math.max(descriptorTable + descriptorTableSize(queueSize),
                Math.max(availableRing + availableRingSize(queueSize), usedRing + usedRingSize(queueSize)));
    }

    /** Address of descriptor {@code index}'s {@code addr} field; {@code len} is 8 bytes on, {@code flags} 12, {@code next} 14. */
    public long descriptor(int index) {
        return descriptorTable + (long) DESCRIPTOR_SIZE * index;
    }

    /** Address of {@code avail.flags}. */
    public long availFlags() {
        return availableRing;
    }

    /** Address of {@code avail.idx}. */
    public long availIdx() {
        return availableRing + 2;
    }

    /** Address of {@code avail.ring[slot]}, {@code slot} in [0, QS). */
    public long availRing(int slot) {
        return availableRing + 4 + 2L * slot;
    }

    /** Address of {@code used_event}, the word after {@code avail.ring[QS-1]}. */
    public long usedEvent() {
        return availableRing + 4 + 2L * queueSize;
    }

    /** Address of {@code used.flags}. */
    public long usedFlags() {
        return usedRing;
    }

    /** Address of {@code used.idx}. */
    public long usedIdx() {
        return usedRing + 2;
    }

    /** Address of {@code used.ring[slot].id}, {@code slot} in [0, QS); {@code len} follows 4 bytes on. */
    public long usedElement(int slot) {
        return usedRing + 4 + (long) USED_ELEMENT_SIZE * slot;
    }

    /** Address of {@code avail_event}, the word after {@code used.ring[QS-1]}. */
    public long availEvent() {
        return usedRing + 4 + (long) USED_ELEMENT_SIZE * queueSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtqueueLayout l && l.queueSize == queueSize && l.descriptorTable == descriptorTable
                && l.availableRing == availableRing && l.usedRing == usedRing;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(descriptorTable * 31 + availableRing * 17 + usedRing) * 31 + queueSize;
    }

    @Override
    public String toString() {
        return "VirtqueueLayout[QS=" + queueSize + ", desc=0x" + Long.toHexString(descriptorTable) + ", avail=0x"
                + Long.toHexString(availableRing) + ", used=0x" + Long.toHexString(usedRing) + ", end=0x"
                + Long.toHexString(end()) + "]";
    }
}
