package dev.sysmem.sim.virtio;

import dev.sysmem.io.SysMem;

/**
 * Writes ring words directly, as a buggy or hostile peer would: descriptors the driver would
 * refuse to make, indexes that jump, used entries for chains never added.
 */
final class RawRing {

    private final SysMem guest;
    private final VirtqueueLayout layout;
    private int availIdx;
    private int usedIdx;

    RawRing(SysMem guest, VirtqueueLayout layout) {
        this.guest = guest;
        this.layout = layout;
    }

    void descriptor(int index, long addr, long len, int flags, int next) {
        long d = layout.descriptor(index);
        guest.write64(d, addr);
        guest.write32(d + 8, (int) len);
        guest.write16(d + 12, flags);
        guest.write16(d + 14, next);
    }

    /** Puts {@code heads} in the available ring and moves {@code avail.idx} past them. */
    void publish(int... heads) {
        for (int head : heads) {
            guest.write16(layout.availRing(availIdx & (layout.queueSize() - 1)), head);
            availIdx = (availIdx + 1) & 0xffff;
        }
        guest.write16(layout.availIdx(), availIdx);
    }

    void availIdx(int idx) {
        availIdx = idx & 0xffff;
        guest.write16(layout.availIdx(), availIdx);
    }

    /** Appends a used element and moves {@code used.idx} past it. */
    void pushUsed(long id, long len) {
        long e = layout.usedElement(usedIdx & (layout.queueSize() - 1));
        guest.write32(e, (int) id);
        guest.write32(e + 4, (int) len);
        usedIdx = (usedIdx + 1) & 0xffff;
        guest.write16(layout.usedIdx(), usedIdx);
    }

    void usedIdx(int idx) {
        usedIdx = idx & 0xffff;
        guest.write16(layout.usedIdx(), usedIdx);
    }
}
