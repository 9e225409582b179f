package dev.sysmem.sim.virtio;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Barriers;
import dev.sysmem.io.SysMem;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The device side of one VIRTIO 1.x split virtqueue: it takes the chains the driver made
 * available, checks them, hands each to a {@link ChainHandler}, returns used entries, and decides
 * by the spec's suppression rules when to interrupt the driver and when it wants to be kicked.
 *
 * <p>This class is the queue engine; it has no thread of its own. The device's thread calls
 * {@link #processAvailable()} when kicked, and {@link #enableNotifications()} /
 * {@link #disableNotifications()} around its waits, exactly as QEMU's {@code virtqueue_pop},
 * {@code virtqueue_flush}, {@code virtio_notify} and {@code virtio_queue_set_notification} are used.
 *
 * <p><b>Ordering</b> (QEMU {@code hw/virtio/virtio.c}, and the spec's device requirements). Ring
 * words are read and written with {@link AccessMode#OPAQUE} accesses (never torn, never elided),
 * little-endian, and ordered by {@link Barriers} at the points the protocol needs them:
 * <ol>
 *   <li>read {@code avail.idx}, then {@link Barriers#rmb()} before reading ring entries,
 *       descriptors and buffers (QEMU's {@code smp_rmb} in {@code virtqueue_num_heads});</li>
 *   <li>write the data and the used elements, then {@link Barriers#wmb()} before the
 *       {@code used.idx} store that publishes them ("The device MUST set len prior to updating the
 *       used idx");</li>
 *   <li>{@link Barriers#mb()} between that store and reading {@code used_event} or
 *       {@code avail.flags} to decide on an interrupt, and between writing {@code avail_event} /
 *       {@code used.flags} and re-reading {@code avail.idx} before sleeping; without these full
 *       barriers each side could miss the other's update and both would wait.</li>
 * </ol>
 *
 * <p><b>Checks.</b> Every chain is checked before the handler sees it, and any breach of the spec
 * stops the queue with a {@link VirtqueueFault} naming the queue, descriptor, address and length:
 * {@code avail.idx} moving by more than the queue size, a head or {@code next} index at or past the
 * queue size, a chain longer than the queue size (a loop), a descriptor with {@code INDIRECT}
 * (never negotiated here), a buffer outside guest memory, a readable buffer after a writable one, a
 * chain over 2<sup>32</sup> bytes. Chains served before the faulty one are still published.
 *
 * <p><b>{@code VIRTIO_F_IN_ORDER}.</b> This engine always uses chains in the order they were made
 * available, so a device built on it may offer the feature; with or without it the queue works
 * the same for the driver, which is what a driver that does not negotiate it gets. When
 * negotiated, {@link #processAvailable} writes one used element per run of chains served in full
 * (the element at the run's first slot, naming its last chain: "In-order use of descriptors"); a
 * chain given fewer bytes than its writable buffers hold ends a run with its own element, since
 * the driver takes the chains before the named one as written in full. It also holds the driver
 * to its side of the feature: chains must start at the next descriptor in ring order and each
 * {@code next} must be the following descriptor (0 after the last), or the queue stops with a
 * {@link VirtqueueFault}.
 *
 * <p><b>Threads.</b> One thread (the device's) uses an instance; the counters may be read from
 * another thread once the device's thread has been joined.
 *
 * <pre>{@code
 * VirtqueueDevice device = VirtqueueDevice.attach("blk0", guest, layout, features,
 *         RamDisk.create(2048, "disk0", false), interruptLine::raise);
 * // device thread, on each kick:
 * do {
 *     device.disableNotifications();
 *     while (device.processAvailable() > 0) { }
 * } while (!device.enableNotifications());          // false: more arrived, go round again
 * }</pre>
 */
public final class VirtqueueDevice {

    /** {@code VIRTQ_DESC_F_NEXT}. */
    public static final int DESC_F_NEXT = 1;
    /** {@code VIRTQ_DESC_F_WRITE}. */
    public static final int DESC_F_WRITE = 2;
    /** {@code VIRTQ_DESC_F_INDIRECT}. */
    public static final int DESC_F_INDIRECT = 4;
    /** {@code VIRTQ_AVAIL_F_NO_INTERRUPT}, in {@code avail.flags}. */
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** {@code VIRTQ_USED_F_NO_NOTIFY}, in {@code used.flags}. */
    public static final int USED_F_NO_NOTIFY = 1;

    private static final long MAX_CHAIN_BYTES = 1L << 32;

    private final String name;
    private final SysMem ring;
    private final long memorySize;
    private final VirtqueueLayout layout;
    private final VirtioFeatures features;
    private final boolean eventIdx;
    private final boolean inOrder;
    private final int size;
    private final int mask;
    private final ChainHandler handler;
    private final Runnable interrupt;
    private final DescriptorChain chain;
    private final BufferCheck ram;

    private int lastAvail;
    // With IN_ORDER: the descriptor the next chain must start at; -1 when not known (resume).
    private int nextInOrderHead;
    private int usedShadow;
    private int publishedUsed;
    private int signalledUsed;
    private boolean notificationsEnabled = true;
    private VirtqueueFault fault;

    private long chainsServed;
    private long interruptsSent;
    private long interruptsSuppressed;
    private long notificationRearms;

    private VirtqueueDevice(String name, SysMem guest, VirtqueueLayout layout, VirtioFeatures features,
                            ChainHandler handler, Runnable interrupt, BufferCheck ram) {
        this.name = name;
        this.ram = ram;
        this.ring = guest.withMode(AccessMode.OPAQUE).withOrder(ByteOrder.LITTLE_ENDIAN);
        this.memorySize = guest.size();
        this.layout = layout;
        this.features = features;
        this.eventIdx = features.eventIdx();
        this.inOrder = features.inOrder();
        this.size = layout.queueSize();
        this.mask = size - 1;
        this.handler = handler;
        this.interrupt = interrupt;
        MemorySegment memory = guest.segment();
        this.chain = new DescriptorChain(memory, size);
    }

    /**
     * The device side of the queue at {@code layout} in {@code guest}, starting from the reset
     * state ({@code last_avail_idx} and {@code used.idx} 0). Attach it after the driver has
     * initialised the rings ({@link VirtqueueDriver#create}), as a device reads the queue addresses
     * when the driver enables the queue.
     *
     * @param name      the queue's name, used in every fault message
     * @param guest     guest memory; the queue uses its own OPAQUE little-endian view of it
     * @param features  the negotiated features; {@link VirtioFeatures#EVENT_IDX} selects the
     *                  event-index suppression rules, otherwise the flags
     * @param handler   the device's function, called for each chain
     * @param interrupt raises the used-buffer notification (the device's interrupt line)
     * @throws IllegalArgumentException if the layout does not fit in guest memory
     */
    public static VirtqueueDevice attach(String name, SysMem guest, VirtqueueLayout layout, VirtioFeatures features,
                                         ChainHandler handler, Runnable interrupt) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(interrupt, "interrupt");
        VirtqueueDriver.checkFits(name, guest, layout);
        return new VirtqueueDevice(name, guest, layout, features, handler, interrupt, (address, length) -> null);
    }

    /**
     * Where guest RAM is inside the guest-memory segment, for a segment with holes (a vhost-user
     * back-end maps each region of the front-end's memory table at its guest-physical address and
     * leaves the gaps unmapped).
     */
    @FunctionalInterface
    public interface BufferCheck {
        /** Null if {@code [address, address + length)} is guest RAM; otherwise why it is not. */
        String refuse(long address, long length);
    }

    /**
     * The device side of a queue that the driver has been using: it continues from
     * {@code last_avail_idx = lastAvailIdx} and from the {@code used.idx} found in guest memory,
     * as a vhost-user back-end does on {@code SET_VRING_BASE} (the used index is never sent, the
     * ring holds it). Every buffer a descriptor names must also pass {@code ram}, or the queue
     * stops with a {@link VirtqueueFault} before anything touches the buffer.
     *
     * @throws IllegalArgumentException if the layout does not fit in guest memory
     */
    public static VirtqueueDevice resume(String name, SysMem guest, VirtqueueLayout layout, VirtioFeatures features,
                                         ChainHandler handler, Runnable interrupt, int lastAvailIdx,
                                         BufferCheck ram) {
        Objects.requireNonNull(ram, "ram");
        VirtqueueDevice resumed = attach(name, guest, layout, features, handler, interrupt).withRam(ram);
        resumed.lastAvail = lastAvailIdx & 0xffff;
        // Where the driver's descriptor cursor stands is not part of the vring base.
        resumed.nextInOrderHead = -1;
        resumed.usedShadow = resumed.ring.read16(layout.usedIdx());
        resumed.publishedUsed = resumed.usedShadow;
        resumed.signalledUsed = resumed.usedShadow;
        return resumed;
    }

    private VirtqueueDevice withRam(BufferCheck check) {
        return new VirtqueueDevice(name, ring, layout, features, handler, interrupt, check);
    }

    /** The queue's name. */
    public String name() {
        return name;
    }

    /** Where the queue lies in guest memory. */
    public VirtqueueLayout layout() {
        return layout;
    }

    /** The negotiated features this side follows. */
    public VirtioFeatures features() {
        return features;
    }

    /**
     * Serves every chain made available since the last call, then publishes their used entries
     * with one {@code used.idx} store and interrupts the driver unless it suppressed the
     * interrupt.
     *
     * @return the number of chains served; 0 if none was available
     * @throws VirtqueueFault if the driver broke a rule (chains served before it are published);
     *                        every later call throws it again
     */
    public int processAvailable() {
        if (fault != null) {
            throw new VirtqueueFault(name, "the queue stopped after an earlier fault and needs a reset: "
                    + fault.getMessage());
        }
        int availIdx = ring.read16(layout.availIdx());
        int pending = (availIdx - lastAvail) & 0xffff;
        if (pending == 0) {
            return 0;
        }
        if (pending > size) {
            throw stop("avail.idx moved from " + lastAvail + " to " + availIdx + ": " + pending
                    + " new entries, more than the queue size " + size);
        }
        // The entries and descriptors were written before the index that published them.
        Barriers.rmb();
        int served = 0;
        // Chains served since the last used element was written, and the last of them.
        int unpublished = 0;
        int lastHead = 0;
        long lastWritten = 0;
        try {
            for (; served < pending; served++) {
                int slot = lastAvail & mask;
                int head = ring.read16(layout.availRing(slot));
                if (inOrder && nextInOrderHead >= 0 && head != nextInOrderHead) {
                    throw stop("avail.ring[" + slot + "] names descriptor " + head + " as a chain head, but with "
                            + "VIRTIO_F_IN_ORDER the driver must use descriptors in ring order: the next chain "
                            + "starts at descriptor " + nextInOrderHead);
                }
                readChain(head, slot);
                long written;
                try {
                    written = handler.handle(chain);
                } catch (RuntimeException e) {
                    stop("the device function failed on the chain at head " + head + ": " + e);
                    throw e;
                }
                if (written < 0 || written > chain.writableBytes()) {
                    throw stop("the device function reported " + written + " bytes written for the chain at head "
                            + head + ", which has " + chain.writableBytes() + " writable bytes");
                }
                lastAvail = (lastAvail + 1) & 0xffff;
                nextInOrderHead = (head + chain.descriptorCount()) & mask;
                unpublished++;
                lastHead = head;
                lastWritten = written;
                if (!inOrder || written != chain.writableBytes()) {
                    writeUsed(unpublished, lastHead, lastWritten);
                    unpublished = 0;
                }
            }
        } finally {
            if (unpublished > 0) {
                writeUsed(unpublished, lastHead, lastWritten);
            }
            chainsServed += served;
            if (served > 0 && eventIdx && !notificationsEnabled) {
                // Keep avail_event out of the driver's reach as last_avail_idx moves.
                ring.write16(layout.availEvent(), busyAvailEvent());
            }
            publishUsed(fault == null);
        }
        return served;
    }

    /**
     * Asks the driver to kick for the next buffer it makes available, then checks whether some
     * arrived already.
     *
     * <p>With {@code EVENT_IDX}: {@code avail_event = last_avail_idx}; otherwise {@code used.flags}
     * loses {@code NO_NOTIFY}. A full barrier separates that store from re-reading
     * {@code avail.idx}, pairing with the driver's barrier between publishing {@code avail.idx}
     * and reading {@code avail_event}: one of the two sides sees the other's store, so a buffer is
     * never left waiting while the device sleeps.
     *
     * @return true if nothing is pending, so the device may wait for a kick; false if more
     *         buffers are available and must be served first
     */
    public boolean enableNotifications() {
        notificationsEnabled = true;
        notificationRearms++;
        if (eventIdx) {
            ring.write16(layout.availEvent(), lastAvail);
        } else {
            ring.write16(layout.usedFlags(), 0);
        }
        Barriers.mb();
        return ring.read16(layout.availIdx()) == lastAvail;
    }

    /**
     * Tells the driver kicks are not needed while the device is busy, until
     * {@link #enableNotifications()} re-arms them before the device sleeps. Without
     * {@code EVENT_IDX}: {@code used.flags = NO_NOTIFY}. With it the flags stay 0 ("The device MUST
     * set flags to 0") and {@code avail_event} moves out of the driver's reach instead, to
     * {@link #busyAvailEvent()}, and {@link #processAvailable} keeps it there as
     * {@code last_avail_idx} moves. Leaving {@code avail_event} where the last re-arm put it would
     * not do: if the driver published the entry the device asked for but has not decided on its
     * kick yet when the device, already awake, disables, it still kicks; and a driver that wraps
     * past it while the device works kicks again. Both are hints; the driver may still kick.
     */
    public void disableNotifications() {
        notificationsEnabled = false;
        if (eventIdx) {
            ring.write16(layout.availEvent(), busyAvailEvent());
        } else {
            ring.write16(layout.usedFlags(), USED_F_NO_NOTIFY);
        }
    }

    /**
     * The {@code avail_event} of a busy device: {@code last_avail_idx - 1 - min(size, 0x7fff)}.
     * The driver kicks when an index it publishes in one batch equals it; a driver that decides
     * on a kick at least once per queue size of buffers has its undecided batch within a queue
     * size below {@code avail.idx} and cannot publish more than a queue size beyond
     * {@code last_avail_idx}, so the batch never reaches this index, from below or, after a wrap,
     * from above (at the largest queue size, 32768, only a batch of exactly 32768 could).
     */
    private int busyAvailEvent() {
        return (lastAvail - 1 - Math.min(size, 0x7fff)) & 0xffff;
    }

    /** Whether a fault stopped the queue. */
    public boolean isStopped() {
        return fault != null;
    }

    /** The device's {@code last_avail_idx}: how many chains it has taken, modulo 2^16. */
    public int lastAvailIdx() {
        return lastAvail;
    }

    /** The {@code used.idx} the device published last. */
    public int usedIdx() {
        return publishedUsed;
    }

    /** Chains served since the queue was attached. */
    public long chainsServed() {
        return chainsServed;
    }

    /** Used-buffer notifications (interrupts) sent. */
    public long interruptsSent() {
        return interruptsSent;
    }

    /** Publications of used entries for which the driver had suppressed the interrupt. */
    public long interruptsSuppressed() {
        return interruptsSuppressed;
    }

    /**
     * {@link #enableNotifications()} calls: the times the device asked for a kick. With
     * {@code EVENT_IDX} each writes one {@code avail_event} the driver can reach, and the driver
     * kicks once when it publishes that entry, so kicks never exceed this count plus one (the
     * ring's initial {@code avail_event} of 0); without it the driver kicks for every buffer
     * until the device disables again, however many that is.
     */
    public long notificationRearms() {
        return notificationRearms;
    }

    /**
     * Writes the used element for the last {@code chains} chains served, at the slot of the first
     * of them, naming the last ({@code chains} is 1 without IN_ORDER), and moves the shadow
     * {@code used.idx} past all of them; {@link #publishUsed} stores it.
     */
    private void writeUsed(int chains, int head, long written) {
        long element = layout.usedElement(usedShadow & mask);
        ring.write32(element, head);
        ring.write32(element + 4, (int) written);
        usedShadow = (usedShadow + chains) & 0xffff;
    }

    private void publishUsed(boolean mayInterrupt) {
        if (usedShadow == publishedUsed) {
            return;
        }
        // Used elements and the data they describe before the index that publishes them.
        Barriers.wmb();
        ring.write16(layout.usedIdx(), usedShadow);
        publishedUsed = usedShadow;
        if (!mayInterrupt) {
            return;
        }
        // Expose used.idx before reading used_event / avail.flags (QEMU: "expose used array
        // entries before checking used event").
        Barriers.mb();
        boolean notify;
        if (eventIdx) {
            notify = EventIndex.needEvent(ring.read16(layout.usedEvent()), usedShadow, signalledUsed);
        } else {
            notify = (ring.read16(layout.availFlags()) & AVAIL_F_NO_INTERRUPT) == 0;
        }
        signalledUsed = usedShadow;
        if (notify) {
            interruptsSent++;
            interrupt.run();
        } else {
            interruptsSuppressed++;
        }
    }

    /**
     * Reads and checks the chain at {@code head} into {@link #chain}. Each descriptor is read
     * once, as two 64-bit reads: addr, then len | flags << 32 | next << 48 (the table is 16-byte
     * aligned, so both are aligned), where four field reads cost twice the accesses. A driver may
     * not change a descriptor it has made available; reading each only once means one that does
     * anyway cannot make a checked value differ from the one used.
     *
     * <p>A chain of one direct descriptor inside guest RAM, what most traffic is, is taken
     * without the general loop ({@link #readLongChain}), whose bookkeeping costs more than the
     * descriptor itself; any other first descriptor, including every one that breaks a rule, goes
     * to the loop, which makes the same checks in the same order and names what is wrong.
     */
    private void readChain(int head, int slot) {
        if (head >= size) {
            throw stop("avail.ring[" + slot + "] names descriptor " + head + " as a chain head, but the queue has only "
                    + size + " descriptors");
        }
        long d = layout.descriptor(head);
        long addr = ring.read64(d);
        long lenFlagsNext = ring.read64(d + 8);
        long len = lenFlagsNext & 0xffff_ffffL;
        int flags = (int) (lenFlagsNext >>> 32) & 0xffff;
        if ((flags & (DESC_F_NEXT | DESC_F_INDIRECT)) == 0 && addr >= 0 && addr <= memorySize - len
                && ram.refuse(addr, len) == null) {
            chain.one(head, addr, len, (flags & DESC_F_WRITE) != 0);
            return;
        }
        readLongChain(head, addr, lenFlagsNext);
    }

    /** The general chain walk, from the head descriptor's two words already read. */
    private void readLongChain(int head, long headAddr, long headLenFlagsNext) {
        chain.reset(head);
        int index = head;
        long total = 0;
        long addr = headAddr;
        long lenFlagsNext = headLenFlagsNext;
        for (int n = 0; ; n++) {
            if (n == size) {
                throw stop("the descriptor chain from head " + head + " is longer than the queue size " + size
                        + ": it loops (descriptor " + index + " is reached again); loops are forbidden");
            }
            if (n > 0) {
                long d = layout.descriptor(index);
                addr = ring.read64(d);
                lenFlagsNext = ring.read64(d + 8);
            }
            long len = lenFlagsNext & 0xffff_ffffL;
            int flags = (int) (lenFlagsNext >>> 32) & 0xffff;
            int next = (int) (lenFlagsNext >>> 48);
            if ((flags & DESC_F_INDIRECT) != 0) {
                throw stop("descriptor " + index + " (chain head " + head + ") has the INDIRECT flag, but "
                        + "VIRTIO_F_INDIRECT_DESC is not supported by this device");
            }
            if (addr < 0 || addr > memorySize - len) {
                throw stop("descriptor " + index + " (chain head " + head + ") addr 0x" + Long.toHexString(addr)
                        + " len " + len + " lies outside guest memory of " + memorySize + " bytes (0x"
                        + Long.toHexString(memorySize) + ")");
            }
            String outsideRam = ram.refuse(addr, len);
            if (outsideRam != null) {
                throw stop("descriptor " + index + " (chain head " + head + ") addr 0x" + Long.toHexString(addr)
                        + " len " + len + " is not guest RAM: " + outsideRam);
            }
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && chain.writableCount() > 0) {
                throw stop("descriptor " + index + " (chain head " + head + ") addr 0x" + Long.toHexString(addr)
                        + " len " + len + " is device-readable but follows a device-writable descriptor; "
                        + "writable descriptors must come last");
            }
            total += len;
            if (total > MAX_CHAIN_BYTES) {
                throw stop("the descriptor chain from head " + head + " holds more than 2^32 bytes (at descriptor "
                        + index + ")");
            }
            chain.add(addr, len, writable);
            if ((flags & DESC_F_NEXT) == 0) {
                return;
            }
            if (inOrder && next != ((index + 1) & mask)) {
                throw stop("descriptor " + index + " (chain head " + head + ") names next descriptor " + next
                        + ", but with VIRTIO_F_IN_ORDER it must name " + ((index + 1) & mask)
                        + " (descriptors are used in ring order)");
            }
            if (next >= size) {
                throw stop("descriptor " + index + " (chain head " + head + ") names next descriptor " + next
                        + ", but the queue has only " + size + " descriptors");
            }
            index = next;
        }
    }

    private VirtqueueFault stop(String message) {
        fault = new VirtqueueFault(name, message);
        return fault;
    }

    @Override
    public String toString() {
        return "VirtqueueDevice[" + name + ", " + layout + ", " + features + ", last_avail_idx=" + lastAvail
                + ", used.idx=" + publishedUsed + (fault != null ? ", stopped" : "") + "]";
    }
}
