package dev.sysmem.sim.virtio;

/**
 * The {@code VIRTIO_F_EVENT_IDX} notification rule, {@code vring_need_event} of Linux's
 * {@code include/uapi/linux/virtio_ring.h} and {@code virtq_need_event} of the spec's
 * {@code virtio-queue.h}.
 *
 * <p>A side that has just moved its ring index from {@code old} to {@code newIdx} must notify the
 * other side iff the other side's event index lies in {@code [old, newIdx)}, counted modulo 2^16:
 * that is, iff one of the entries just published was written at the index the other side asked to
 * hear about. The comparison is done on the 16-bit distances back from {@code newIdx}, so it stays
 * right when the free-running indexes wrap past 65535.
 *
 * <p><b>Guarantees.</b> Pure and allocation-free; only the low 16 bits of each argument count, as
 * in the C function whose parameters are {@code u16}.
 *
 * <pre>{@code
 * // the device moved used.idx from 7 to 10 and the driver's used_event is 8: notify
 * boolean notify = EventIndex.needEvent(8, 10, 7);     // true
 * }</pre>
 */
public final class EventIndex {

    private EventIndex() {
    }

    /**
     * Whether moving an index from {@code old} to {@code newIdx} passes {@code eventIdx}, i.e.
     * {@code (u16)(newIdx - eventIdx - 1) < (u16)(newIdx - old)}.
     */
    public static boolean needEvent(int eventIdx, int newIdx, int old) {
        return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - old) & 0xffff);
    }
}
