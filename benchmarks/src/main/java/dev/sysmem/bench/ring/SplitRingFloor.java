package dev.sysmem.bench.ring;

import dev.sysmem.io.Barriers;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.virtio.EventIndex;
import dev.sysmem.sim.virtio.VirtqueueLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The least work a split virtqueue does per buffer over {@code java.lang.foreign}, written out by
 * hand for one shape of traffic, as a reference for {@link RingCpuCost}: what no virtqueue
 * implementation over FFM can go below, so that a bar above it is known to be out of reach
 * before anyone tunes for it.
 *
 * <p>It is the virtqueue benchmark's traffic with everything a general queue must do taken away:
 * {@code VIRTIO_F_IN_ORDER} and {@code EVENT_IDX} negotiated, one readable descriptor per chain,
 * descriptor {@code i} always holding buffer {@code i} (written once, at setup), no checks of what
 * the other side wrote, no bookkeeping of chains in flight, no callbacks. What is left is the
 * protocol itself, with the same accesses and barriers as {@code VirtqueueDriver} and
 * {@code VirtqueueDevice}:
 * <ul>
 *   <li>driver, per buffer: the payload copied in, the {@code avail.ring} entry; per
 *       {@link VirtqueueThroughput#KICK_BATCH} buffers: write barrier, {@code avail.idx}, full
 *       barrier, {@code avail_event} read and the event-index test;</li>
 *   <li>device, per pass: {@code avail.idx} and a read barrier; per buffer: the ring entry, the
 *       descriptor as two 64-bit reads, the payload copied out; per pass: one used element for the
 *       batch, {@code avail_event} moved, write barrier, {@code used.idx}, full barrier, the
 *       {@code used_event} read and its test;</li>
 *   <li>driver, per pass: {@code used.idx}, read barrier, the used element, {@code used_event}.</li>
 * </ul>
 * Every ring word is an opaque little-endian access on a shared-arena segment, as the queue's
 * views make them, so the segment's liveness, bounds and alignment checks are in too: they are
 * the FFM part of the floor.
 *
 * <p>Single-threaded by design (the driver and the device alternate on one thread), like the other
 * {@link RingCpuCost} contenders. It is a reference, not a queue: nothing outside this package may
 * use it.
 */
final class SplitRingFloor implements RingCpuCost.Contender {

    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final int payload;
    private final SharedMemory memory;
    private final MemorySegment ring;
    private final MemorySegment source;
    private final MemorySegment destination;
    private final int mask;
    private final long buffers;
    private final long availIdx;
    private final long availRing;
    private final long usedEvent;
    private final long usedIdx;
    private final long usedRing;
    private final long availEvent;
    private int availShadow;
    private int lastAvail;
    private int usedShadow;
    private int lastUsed;

    SplitRingFloor(int payload) {
        this.payload = payload;
        VirtqueueLayout layout = VirtqueueLayout.contiguous(RingShape.SLOTS, 0);
        this.buffers = (layout.end() + 4095) / 4096 * 4096;
        long size = buffers + (long) (RingShape.SLOTS + 2) * payload;
        this.memory = SharedMemory.anonymous((size + 4095) / 4096 * 4096);
        this.ring = memory.segment();
        this.source = ring.asSlice(buffers + (long) RingShape.SLOTS * payload, payload);
        this.destination = ring.asSlice(buffers + (long) (RingShape.SLOTS + 1) * payload, payload);
        for (int i = 0; i < payload; i++) {
            source.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        this.mask = RingShape.SLOTS - 1;
        this.availIdx = layout.availIdx();
        this.availRing = layout.availRing(0);
        this.usedEvent = layout.usedEvent();
        this.usedIdx = layout.usedIdx();
        this.usedRing = layout.usedElement(0);
        this.availEvent = layout.availEvent();
        // Descriptor i holds buffer i for good: addr, len, flags 0 (readable, last in its chain).
        for (int i = 0; i < RingShape.SLOTS; i++) {
            long d = layout.descriptor(i);
            U64.set(ring, d, buffers + (long) i * payload);
            U64.set(ring, d + 8, (long) payload);
        }
        // Where a driver with interrupts off and a busy device with kicks off leave the event words.
        U16.set(ring, usedEvent, (short) 0xffff);
        U16.set(ring, availEvent, (short) (-1 - RingShape.SLOTS));
        Barriers.mb();
    }

    @Override
    public String name() {
        return "split-ring floor (hand-written, no checks)";
    }

    @Override
    public void pass(int batches) {
        for (int b = 0; b < batches; b++) {
            produce(RingCpuCost.BATCH);
            if (consume() != RingCpuCost.BATCH || harvest() != RingCpuCost.BATCH) {
                throw new IllegalStateException("the split-ring floor lost buffers");
            }
        }
    }

    private void produce(int count) {
        int published = availShadow;
        for (int i = 0; i < count; i++) {
            int slot = availShadow & mask;
            MemorySegment.copy(source, 0, ring, buffers + (long) slot * payload, payload);
            U16.setOpaque(ring, availRing + 2L * slot, (short) slot);
            availShadow = (availShadow + 1) & 0xffff;
            if ((i + 1) % VirtqueueThroughput.KICK_BATCH == 0 || i == count - 1) {
                Barriers.wmb();
                U16.setOpaque(ring, availIdx, (short) availShadow);
                Barriers.mb();
                // The kick decision; the device here never asks for one.
                if (EventIndex.needEvent(Short.toUnsignedInt((short) U16.getOpaque(ring, availEvent)), availShadow,
                        published)) {
                    throw new IllegalStateException("the device asked for a kick");
                }
                published = availShadow;
            }
        }
    }

    private int consume() {
        int pending = (Short.toUnsignedInt((short) U16.getOpaque(ring, availIdx)) - lastAvail) & 0xffff;
        Barriers.rmb();
        int head = 0;
        long len = 0;
        for (int i = 0; i < pending; i++) {
            head = Short.toUnsignedInt((short) U16.getOpaque(ring, availRing + 2L * (lastAvail & mask)));
            // The table starts at 0 (a contiguous layout at 0): descriptor i is at 16 i.
            long d = (long) head * 16;
            long addr = (long) U64.getOpaque(ring, d);
            len = (long) U64.getOpaque(ring, d + 8) & 0xffff_ffffL;
            MemorySegment.copy(ring, addr, destination, 0, len);
            lastAvail = (lastAvail + 1) & 0xffff;
        }
        if (pending > 0) {
            // IN_ORDER: one used element for the batch, naming its last chain, all read in full.
            U32.setOpaque(ring, usedRing + 8L * (usedShadow & mask), head);
            U32.setOpaque(ring, usedRing + 8L * (usedShadow & mask) + 4, 0);
            usedShadow = (usedShadow + pending) & 0xffff;
            U16.setOpaque(ring, availEvent, (short) (lastAvail - 1 - RingShape.SLOTS));
            Barriers.wmb();
            U16.setOpaque(ring, usedIdx, (short) usedShadow);
            Barriers.mb();
            if (EventIndex.needEvent(Short.toUnsignedInt((short) U16.getOpaque(ring, usedEvent)), usedShadow,
                    (usedShadow - pending) & 0xffff)) {
                throw new IllegalStateException("the driver asked for an interrupt");
            }
        }
        return pending;
    }

    private int harvest() {
        int pending = (Short.toUnsignedInt((short) U16.getOpaque(ring, usedIdx)) - lastUsed) & 0xffff;
        Barriers.rmb();
        if (pending > 0) {
            int last = (int) U32.getOpaque(ring, usedRing + 8L * (lastUsed & mask));
            if (last != ((lastUsed + pending - 1) & mask)) {
                throw new IllegalStateException("the used element names " + last);
            }
            lastUsed = (lastUsed + pending) & 0xffff;
            U16.setOpaque(ring, usedEvent, (short) (lastUsed - 1));
        }
        return pending;
    }

    /** Where the device side copies each payload: after a pass, the last buffer's bytes. */
    MemorySegment delivered() {
        return destination;
    }

    @Override
    public void close() {
        memory.close();
    }
}
