package dev.sysmem.sim.virtio;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Barriers;
import dev.sysmem.io.SysMem;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The driver side of one VIRTIO 1.x split virtqueue, following Linux's
 * {@code drivers/virtio/virtio_ring.c} (split ring): it places chains of buffers in free
 * descriptors, publishes their heads in the available ring, kicks the device unless the device
 * suppressed kicks, and harvests the used ring.
 *
 * <p><b>Ordering</b>, the spec's "Supplying Buffers to The Device" and "Receiving Used Buffers"
 * with Linux's barriers. Ring words are read and written with {@link AccessMode#OPAQUE} accesses,
 * little-endian; no lock is taken anywhere on the shared-memory path.
 * <ol>
 *   <li>{@link #add}: descriptors, then the {@code avail.ring} entry, then {@link Barriers#wmb()}
 *       ({@code virtio_wmb}), then the {@code avail.idx} store. The buffers' contents, written by
 *       the caller before {@code add}, are published by the same barrier. {@link #addToBatch}
 *       (and for a chain of one buffer {@link #addReadableToBatch}, {@link #addWritableToBatch})
 *       writes the descriptors and the ring entry only; {@link #publish()} (or
 *       {@link #kickIfNeeded()}) then does the barrier and the {@code avail.idx} store once for
 *       the whole batch.</li>
 *   <li>{@link #kickIfNeeded()}: {@link Barriers#mb()} ({@code virtio_mb}: "expose available array
 *       entries before checking avail event"), then {@code vring_need_event(avail_event, new, old)}
 *       with {@code EVENT_IDX}, or {@code !(used.flags & NO_NOTIFY)} without it.</li>
 *   <li>{@link #harvest}: read {@code used.idx}, then {@link Barriers#rmb()} ({@code virtio_rmb}:
 *       "only get used array entries after they have been exposed by host"), then the used
 *       elements and the data. With interrupts enabled and {@code EVENT_IDX}, it then stores
 *       {@code used_event = last_used_idx} followed by {@link Barriers#mb()}
 *       ({@code virtio_store_mb}).</li>
 * </ol>
 *
 * <p><b>Checks.</b> {@link #add} refuses, before writing anything, buffers outside guest memory or
 * overlapping the queue's own parts, chains longer than the queue size or over 2<sup>32</sup>
 * bytes, lengths that are not a {@code u32}. {@link #harvest} refuses (with {@link VirtqueueFault})
 * a device that moves {@code used.idx} past the chains in flight, names a descriptor that is not
 * the head of a chain in flight, or reports more bytes written than the chain could hold.
 *
 * <p><b>Descriptors written once.</b> The driver keeps what it last wrote to each descriptor and
 * writes a field ({@code addr}, {@code len}, {@code flags}+{@code next}) only when the new value
 * differs. A driver that puts the same buffer back into the same descriptor, as one that re-posts
 * its buffers does, then writes no descriptor word at all in the steady state: only the
 * {@code avail.ring} entry and {@code avail.idx}. This relies on the descriptor table being the
 * driver's alone ("each part is write-able by either the driver or the device, but not both"); a
 * device that writes it anyway breaks the spec and gets back what it wrote.
 *
 * <p><b>{@code VIRTIO_F_IN_ORDER}.</b> When negotiated, descriptors are used in ring order
 * (from 0, wrapping at the end of the table, {@code next = x + 1}, as the split-ring section
 * requires of the driver), so a slot's descriptor is the same every time round and its
 * {@code flags}/{@code next} never change. The device may then publish one used element for a
 * batch, naming the last chain of it ("In-order use of descriptors"): {@link #harvest} reads one
 * element per batch, takes every earlier chain of the batch as used in full, and refuses a device
 * whose element names a chain beyond what {@code used.idx} published (a completion out of
 * order).
 *
 * <p><b>Threads.</b> The driver object is single-threaded by contract, as a Linux virtqueue is
 * under its caller's lock: one thread calls {@code add}, {@code kickIfNeeded}, {@code harvest} and
 * the interrupt controls. Its descriptor bookkeeping (free list, chain lengths) is private to it
 * and never read back from shared memory, so a device that scribbles on the descriptor table
 * cannot corrupt it. The device runs concurrently on its own thread and meets this one only
 * through the rings. An interrupt handler that runs on another thread should wake the driver's
 * thread, not call {@code harvest} itself.
 *
 * <pre>{@code
 * VirtqueueLayout layout = VirtqueueLayout.contiguous(256, 0);
 * VirtqueueDriver driver = VirtqueueDriver.create("q0", guest, layout, features, doorbell::ring);
 * int head = driver.add(requestAddr, requestLen, replyAddr, replyLen);   // -1 if full
 * driver.kickIfNeeded();
 * driver.harvest((id, len) -> consume(id, len));
 * }</pre>
 */
public final class VirtqueueDriver {

    /** What the driver does with each used buffer it harvests. */
    @FunctionalInterface
    public interface Completion {
        /**
         * Called once per used entry, in used-ring order, after its chain's descriptors were
         * freed.
         *
         * @param head         the chain's head index, as {@link #add} returned it
         * @param bytesWritten the used entry's {@code len}: bytes the device wrote, from the first
         *                     writable buffer on
         */
        void complete(int head, long bytesWritten);
    }

    private static final long U32_MAX = 0xffff_ffffL;
    private static final long MAX_CHAIN_BYTES = 1L << 32;
    private static final int FORCED_KICK = 0xffff;

    private final String name;
    private final SysMem ring;
    private final long memorySize;
    private final VirtqueueLayout layout;
    private final VirtioFeatures features;
    private final boolean eventIdx;
    private final boolean inOrder;
    private final int size;
    private final int mask;
    private final Runnable notifier;
    // The span from the first of the queue's three parts to the end of the last: a buffer outside
    // it overlaps none of them, so add tests each part only for a buffer inside it.
    private final long partsStart;
    private final long partsEnd;

    // Driver-private descriptor state (Linux's desc_extra): never read back from shared memory.
    private final int[] nextFree;
    private final int[] chainLength;
    private final long[] chainWritable;
    // What this side last wrote to each descriptor: addr, len, and flags | next << 16.
    private final long[] writtenAddress;
    private final int[] writtenLength;
    private final int[] writtenFlagsNext;
    // The head made available at each avail.ring slot: with IN_ORDER, the chains in flight in
    // the order the device must use them.
    private final int[] headOfSlot;
    private final long[] oneAddress = new long[2];
    private final long[] oneLength = new long[2];
    private int freeHead;
    private int numFree;
    private int chainsInFlight;

    // avail.idx counting every chain added, and the value last stored to avail.idx: they differ
    // while chains added with addToBatch wait for publish.
    private int availShadow;
    private int availPublished;
    private int numAdded;
    private int lastUsed;
    private boolean interruptsEnabled = true;

    private long chainsAdded;
    private long chainsUsed;
    private long kicks;
    private long kicksSuppressed;
    private long interruptRearms;
    private long descriptorWrites;

    private VirtqueueDriver(String name, SysMem guest, VirtqueueLayout layout, VirtioFeatures features,
                            Runnable notifier) {
        this.name = name;
        this.ring = guest.withMode(AccessMode.OPAQUE).withOrder(ByteOrder.LITTLE_ENDIAN);
        this.memorySize = guest.size();
        this.layout = layout;
        this.features = features;
        this.eventIdx = features.eventIdx();
        this.inOrder = features.inOrder();
        this.size = layout.queueSize();
        this.mask = size - 1;
        this.notifier = notifier;
        this.partsStart = Math.min(layout.descriptorTable(), Math.min(layout.availableRing(), layout.usedRing()));
        this.partsEnd = Math.max(layout.descriptorTable() + VirtqueueLayout.descriptorTableSize(size),
                Math.max(layout.availableRing() + VirtqueueLayout.availableRingSize(size),
                        layout.usedRing() + VirtqueueLayout.usedRingSize(size)));
        this.nextFree = new int[size];
        this.chainLength = new int[size];
        this.chainWritable = new long[size];
        // create() zeroed the table, so zero is what every descriptor holds.
        this.writtenAddress = new long[size];
        this.writtenLength = new int[size];
        this.writtenFlagsNext = new int[size];
        this.headOfSlot = new int[size];
        for (int i = 0; i < size; i++) {
            nextFree[i] = i + 1;
        }
        this.numFree = size;
    }

    /**
     * Initialises the queue at {@code layout} in {@code guest} and returns its driver side: the
     * three parts are zeroed (so {@code avail.idx}, {@code used.idx} and both flags start at 0, as
     * "The driver MUST initialize flags in the used ring to 0" requires, and the event words at
     * 0), and every descriptor is free.
     *
     * @param name     the queue's name, used in messages
     * @param guest    guest memory holding the rings and the buffers; the queue uses its own
     *                 OPAQUE little-endian view of it
     * @param features the negotiated features ({@link VirtioFeatures#negotiate})
     * @param notifier the available-buffer notification: writes the device's doorbell
     * @throws IllegalArgumentException if the layout does not fit in guest memory
     */
    public static VirtqueueDriver create(String name, SysMem guest, VirtqueueLayout layout, VirtioFeatures features,
                                         Runnable notifier) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(notifier, "notifier");
        checkFits(name, guest, layout);
        int qs = layout.queueSize();
        guest.segment().asSlice(layout.descriptorTable(), VirtqueueLayout.descriptorTableSize(qs)).fill((byte) 0);
        guest.segment().asSlice(layout.availableRing(), VirtqueueLayout.availableRingSize(qs)).fill((byte) 0);
        guest.segment().asSlice(layout.usedRing(), VirtqueueLayout.usedRingSize(qs)).fill((byte) 0);
        // The zeroes before anything a device attached later reads.
        Barriers.mb();
        return new VirtqueueDriver(name, guest, layout, features, notifier);
    }

    static void checkFits(String name, SysMem guest, VirtqueueLayout layout) {
        if (layout.end() > guest.size()) {
            throw new IllegalArgumentException("virtqueue '" + name + "': " + layout + " ends at 0x"
                    + Long.toHexString(layout.end()) + ", past the end of guest memory '" + guest.name() + "' of "
                    + guest.size() + " bytes (0x" + Long.toHexString(guest.size()) + ")");
        }
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

    /** The queue size. */
    public int queueSize() {
        return size;
    }

    /** Descriptors not in any chain in flight. */
    public int freeDescriptors() {
        return numFree;
    }

    /** Chains added and not yet harvested. */
    public int chainsInFlight() {
        return chainsInFlight;
    }

    /**
     * Adds a chain of one device-readable buffer followed by one device-writable buffer, the shape
     * of a request and its reply.
     *
     * @return the chain's head index, or -1 if fewer than two descriptors are free
     * @see #add(long[], long[], int, int)
     */
    public int add(long readAddress, long readLength, long writeAddress, long writeLength) {
        oneAddress[0] = readAddress;
        oneLength[0] = readLength;
        oneAddress[1] = writeAddress;
        oneLength[1] = writeLength;
        return add(oneAddress, oneLength, 1, 1);
    }

    /**
     * Adds a chain of {@code readable} device-readable buffers followed by {@code writable}
     * device-writable buffers, taken in order from {@code addresses}/{@code lengths}, and makes it
     * available at once: descriptors, ring entry, write barrier, {@code avail.idx} (as Linux's
     * {@code virtqueue_add} does). Chains added before with {@link #addToBatch} are published by
     * the same store. Call {@link #kickIfNeeded()} after one or more adds.
     *
     * @return the chain's head index (the {@code id} its used entry will carry), or -1 if there
     *         are not enough free descriptors; nothing is written then
     * @throws IllegalArgumentException if the counts are negative, both zero, larger than the
     *                                  arrays or the queue size; if a length is not in [0, 2^32);
     *                                  if a buffer lies outside guest memory or overlaps the queue's
     *                                  parts; or if the chain holds more than 2^32 bytes. Nothing is
     *                                  written then.
     */
    public int add(long[] addresses, long[] lengths, int readable, int writable) {
        int head = addToBatch(addresses, lengths, readable, writable);
        if (head >= 0) {
            publish();
        }
        return head;
    }

    /**
     * Adds a chain as {@link #add(long[], long[], int, int)} does (same checks, same result) but
     * leaves {@code avail.idx} alone: the device cannot see the chain until {@link #publish()} or
     * {@link #kickIfNeeded()} stores {@code avail.idx} for every chain added so far, with one
     * write barrier and one store for the whole batch (DPDK's virtio driver updates the index once
     * per burst this way). A chain added here and never published is never served; it stays in
     * {@link #chainsInFlight()} and holds its descriptors.
     *
     * @return the chain's head index, or -1 if there are not enough free descriptors; nothing is
     *         written then
     * @throws IllegalArgumentException as {@link #add(long[], long[], int, int)}
     */
    public int addToBatch(long[] addresses, long[] lengths, int readable, int writable) {
        int count = checkChain(addresses, lengths, readable, writable);
        if (count > numFree) {
            return -1;
        }
        int head = freeHead;
        int index = head;
        long writableBytes = 0;
        for (int i = 0; i < count; i++) {
            boolean last = i == count - 1;
            boolean isWritable = i >= readable;
            // With IN_ORDER descriptors go round the table in order; otherwise from the free list.
            int next = inOrder ? (index + 1) & mask : nextFree[index];
            int flags = (isWritable ? VirtqueueDevice.DESC_F_WRITE : 0) | (last ? 0 : VirtqueueDevice.DESC_F_NEXT);
            writeDescriptor(index, addresses[i], (int) lengths[i], flags, last ? 0 : next);
            if (isWritable) {
                writableBytes += lengths[i];
            }
            if (!last) {
                index = next;
            }
        }
        freeHead = inOrder ? (index + 1) & mask : nextFree[index];
        numFree -= count;
        chainLength[head] = count;
        chainWritable[head] = writableBytes;
        chainsInFlight++;
        chainsAdded++;
        makeAvailable(head);
        return head;
    }

    /**
     * Adds a chain of one device-readable buffer, as {@link #addToBatch(long[], long[], int, int)}
     * with {@code readable = 1, writable = 0} does (same checks, same messages, same descriptors),
     * without the arrays: the shape of a transmit or request buffer a burst driver posts one at a
     * time (Linux's {@code virtqueue_add_outbuf} with one entry). The device cannot see it until
     * {@link #publish()} or {@link #kickIfNeeded()}.
     *
     * <p>Why a method of its own: the general path loops over the chain twice (checks, then
     * descriptors) through the caller's arrays; for one buffer that loop machinery is most of the
     * driver's work per buffer (measured in {@code benchmarks/README.md}, "The rings against the
     * split-ring floor").
     *
     * @return the chain's head index, or -1 if no descriptor is free; nothing is written then
     * @throws IllegalArgumentException if {@code length} is not in [0, 2^32), or the buffer lies
     *                                  outside guest memory or overlaps the queue's parts; nothing
     *                                  is written then
     */
    public int addReadableToBatch(long address, long length) {
        return addOneToBatch(address, length, false);
    }

    /**
     * Adds a chain of one device-writable buffer (a receive buffer: Linux's
     * {@code virtqueue_add_inbuf} with one entry); otherwise as {@link #addReadableToBatch}.
     *
     * @return the chain's head index, or -1 if no descriptor is free; nothing is written then
     * @throws IllegalArgumentException as {@link #addReadableToBatch}
     */
    public int addWritableToBatch(long address, long length) {
        return addOneToBatch(address, length, true);
    }

    private int addOneToBatch(long address, long length, boolean writable) {
        // The cheap test first; checkChain gives the exact verdict and message when it trips,
        // and returns normally for a buffer that lies between the queue's parts.
        if (length < 0 || length > U32_MAX || address < 0 || address > memorySize - length
                || (address < partsEnd && partsStart < address + length)) {
            oneAddress[0] = address;
            oneLength[0] = length;
            checkChain(oneAddress, oneLength, writable ? 0 : 1, writable ? 1 : 0);
        }
        if (numFree == 0) {
            return -1;
        }
        int head = freeHead;
        writeDescriptor(head, address, (int) length, writable ? VirtqueueDevice.DESC_F_WRITE : 0, 0);
        freeHead = inOrder ? (head + 1) & mask : nextFree[head];
        numFree--;
        chainLength[head] = 1;
        chainWritable[head] = writable ? length : 0;
        chainsInFlight++;
        chainsAdded++;
        makeAvailable(head);
        return head;
    }

    /** The {@code avail.ring} entry for a chain whose descriptors are written; {@code avail.idx} waits for {@link #publish()}. */
    private void makeAvailable(int head) {
        headOfSlot[availShadow & mask] = head;
        ring.write16(layout.availRing(availShadow & mask), head);
        availShadow = (availShadow + 1) & 0xffff;
        numAdded++;
        if (numAdded == FORCED_KICK) {
            // vring_need_event compares 16-bit distances: kick before the window could wrap.
            kickIfNeeded();
        }
    }

    /**
     * Makes every chain added so far available to the device: a write barrier, then one
     * {@code avail.idx} store. Does nothing when every chain added is already published.
     *
     * @return the number of chains this call published
     */
    public int publish() {
        int unpublished = (availShadow - availPublished) & 0xffff;
        if (unpublished == 0) {
            return 0;
        }
        // Descriptors, ring entries and buffer contents before the index that exposes them.
        Barriers.wmb();
        ring.write16(layout.availIdx(), availShadow);
        availPublished = availShadow;
        return unpublished;
    }

    /**
     * Writes the fields of descriptor {@code index} that differ from what this side last wrote
     * there. {@code flags} and {@code next} are adjacent little-endian 16-bit words (offsets 12 and
     * 14), written together as one 32-bit word, {@code flags} in its low half.
     */
    private void writeDescriptor(int index, long address, int length, int flags, int next) {
        long d = layout.descriptor(index);
        if (writtenAddress[index] != address) {
            ring.write64(d, address);
            writtenAddress[index] = address;
            descriptorWrites++;
        }
        if (writtenLength[index] != length) {
            ring.write32(d + 8, length);
            writtenLength[index] = length;
            descriptorWrites++;
        }
        int flagsNext = flags | next << 16;
        if (writtenFlagsNext[index] != flagsNext) {
            ring.write32(d + 12, flagsNext);
            writtenFlagsNext[index] = flagsNext;
            descriptorWrites++;
        }
    }

    private int checkChain(long[] addresses, long[] lengths, int readable, int writable) {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(lengths, "lengths");
        if (readable < 0 || writable < 0 || readable + writable == 0) {
            throw new IllegalArgumentException("virtqueue '" + name + "': a chain needs at least one buffer; got "
                    + readable + " readable and " + writable + " writable");
        }
        int count = readable + writable;
        if (count > addresses.length || count > lengths.length) {
            throw new IllegalArgumentException("virtqueue '" + name + "': a chain of " + count + " buffers, but only "
                    + addresses.length + " addresses and " + lengths.length + " lengths were given");
        }
        if (count > size) {
            throw new IllegalArgumentException("virtqueue '" + name + "': a chain of " + count
                    + " buffers is longer than the queue size " + size);
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            long addr = addresses[i];
            long len = lengths[i];
            // The messages are built only when a check fails: this runs for every buffer added.
            if (len < 0 || len > U32_MAX) {
                throw new IllegalArgumentException("virtqueue '" + name + "': " + describe(i, readable, addr, len)
                        + " has a length that is not a u32");
            }
            if (addr < 0 || addr > memorySize - len) {
                throw new IllegalArgumentException("virtqueue '" + name + "': " + describe(i, readable, addr, len)
                        + " lies outside guest memory of " + memorySize + " bytes (0x" + Long.toHexString(memorySize) + ")");
            }
            if (addr < partsEnd && partsStart < addr + len) {
                checkOutside(i, readable, addr, len, layout.descriptorTable(),
                        VirtqueueLayout.descriptorTableSize(size), "descriptor table");
                checkOutside(i, readable, addr, len, layout.availableRing(), VirtqueueLayout.availableRingSize(size),
                        "available ring");
                checkOutside(i, readable, addr, len, layout.usedRing(), VirtqueueLayout.usedRingSize(size),
                        "used ring");
            }
            total += len;
        }
        if (total > MAX_CHAIN_BYTES) {
            throw new IllegalArgumentException("virtqueue '" + name + "': the chain holds " + total
                    + " bytes, more than the 2^32 a chain may hold");
        }
        return count;
    }

    private static String describe(int i, int readable, long addr, long len) {
        return "buffer " + i + " (" + (i < readable ? "readable" : "writable") + ", addr 0x" + Long.toHexString(addr)
                + ", len " + len + ")";
    }

    private void checkOutside(int i, int readable, long addr, long len, long partStart, long partSize, String part) {
        if (addr < partStart + partSize && partStart < addr + len) {
            throw new IllegalArgumentException("virtqueue '" + name + "': " + describe(i, readable, addr, len)
                    + " overlaps the queue's " + part
                    + " [0x" + Long.toHexString(partStart) + ", 0x" + Long.toHexString(partStart + partSize) + ")");
        }
    }

    /**
     * Publishes the chains added with {@link #addToBatch} and not yet published, then notifies the
     * device of the chains added since the last call, unless it suppressed notifications: with {@code EVENT_IDX}, iff {@code avail_event} lies among the indexes just
     * published ({@link EventIndex#needEvent}); without it, iff {@code used.flags} lacks
     * {@code NO_NOTIFY}. A full barrier comes first, so the device either sees the new
     * {@code avail.idx} before it sleeps or its request for a kick is seen here.
     *
     * @return whether the device was notified; false also when nothing was added
     */
    public boolean kickIfNeeded() {
        if (numAdded == 0) {
            return false;
        }
        publish();
        Barriers.mb();
        int newIdx = availShadow;
        int old = (availShadow - numAdded) & 0xffff;
        numAdded = 0;
        boolean notify;
        if (eventIdx) {
            notify = EventIndex.needEvent(ring.read16(layout.availEvent()), newIdx, old);
        } else {
            notify = (ring.read16(layout.usedFlags()) & VirtqueueDevice.USED_F_NO_NOTIFY) == 0;
        }
        if (notify) {
            kicks++;
            notifier.run();
        } else {
            kicksSuppressed++;
        }
        return notify;
    }

    /**
     * Takes every used entry the device has published, frees its chain and passes it to
     * {@code completion}, in used-ring order.
     *
     * @return the number of entries harvested
     * @throws VirtqueueFault if the device moved {@code used.idx} past the chains in flight, named a
     *                        descriptor that is not the head of a chain in flight, or reported more
     *                        bytes written than the chain's writable buffers hold
     */
    public int harvest(Completion completion) {
        Objects.requireNonNull(completion, "completion");
        int harvested = 0;
        while (true) {
            int usedIdx = ring.read16(layout.usedIdx());
            int pending = (usedIdx - lastUsed) & 0xffff;
            if (pending == 0) {
                break;
            }
            if (pending > chainsInFlight) {
                throw new VirtqueueFault(name, "used.idx moved from " + lastUsed + " to " + usedIdx + ": " + pending
                        + " used entries, but only " + chainsInFlight + " chains were in flight");
            }
            // Used elements and the data they describe only after the index that exposed them.
            Barriers.rmb();
            if (inOrder) {
                harvested += harvestInOrder(pending, completion);
                continue;
            }
            for (int k = 0; k < pending; k++) {
                long element = layout.usedElement(lastUsed & mask);
                long id = Integer.toUnsignedLong(ring.read32(element));
                long len = Integer.toUnsignedLong(ring.read32(element + 4));
                if (id >= size || chainLength[(int) id] == 0) {
                    throw new VirtqueueFault(name, "used.ring[" + (lastUsed & mask) + "] (used index " + lastUsed
                            + ") names descriptor " + id + ", which is not the head of a chain in flight");
                }
                int head = (int) id;
                if (len > chainWritable[head]) {
                    throw new VirtqueueFault(name, "used.ring[" + (lastUsed & mask) + "] says " + len
                            + " bytes were written to the chain at head " + head + ", which has "
                            + chainWritable[head] + " writable bytes");
                }
                free(head);
                lastUsed = (lastUsed + 1) & 0xffff;
                harvested++;
                completion.complete(head, len);
            }
        }
        if (harvested > 0 && eventIdx) {
            if (interruptsEnabled) {
                // Ask for an interrupt at the next used entry, and make that visible before the
                // next read of used.idx (virtio_store_mb).
                ring.write16(layout.usedEvent(), lastUsed);
                Barriers.mb();
            } else {
                // Keep used_event 65535 ahead of the device as last_used_idx moves (see
                // disableInterrupts): the device never gets further than a queue size ahead.
                ring.write16(layout.usedEvent(), (lastUsed - 1) & 0xffff);
            }
        }
        return harvested;
    }

    /**
     * Takes {@code pending} used entries published as batches: the element at the start of each
     * batch names the batch's last chain, every chain before it in ring order was used in full.
     * Everything is checked before a chain of the batch is freed.
     */
    private int harvestInOrder(int pending, Completion completion) {
        int taken = 0;
        while (taken < pending) {
            int slot = lastUsed & mask;
            long element = layout.usedElement(slot);
            long id = Integer.toUnsignedLong(ring.read32(element));
            long len = Integer.toUnsignedLong(ring.read32(element + 4));
            if (id >= size || chainLength[(int) id] == 0) {
                throw new VirtqueueFault(name, "used.ring[" + slot + "] (used index " + lastUsed
                        + ") names descriptor " + id + ", which is not the head of a chain in flight");
            }
            int last = (int) id;
            int batch = 1;
            while (headOfSlot[(lastUsed + batch - 1) & mask] != last) {
                batch++;
                if (batch > pending - taken) {
                    throw new VirtqueueFault(name, "used.ring[" + slot + "] (used index " + lastUsed
                            + ") names the chain at head " + last + ", which is not among the " + (pending - taken)
                            + " oldest chains in flight that used.idx published (the oldest has head "
                            + headOfSlot[slot] + "): with VIRTIO_F_IN_ORDER the device must use buffers in the "
                            + "order they were made available");
                }
            }
            if (len > chainWritable[last]) {
                throw new VirtqueueFault(name, "used.ring[" + slot + "] says " + len
                        + " bytes were written to the chain at head " + last + ", which has "
                        + chainWritable[last] + " writable bytes");
            }
            for (int k = 0; k < batch; k++) {
                int head = headOfSlot[lastUsed & mask];
                // The skipped chains were used in full ("In-order use of descriptors").
                long written = head == last ? len : chainWritable[head];
                free(head);
                lastUsed = (lastUsed + 1) & 0xffff;
                completion.complete(head, written);
            }
            taken += batch;
        }
        return taken;
    }

    private void free(int head) {
        int count = chainLength[head];
        if (!inOrder) {
            int last = head;
            for (int i = 1; i < count; i++) {
                last = nextFree[last];
            }
            nextFree[last] = freeHead;
            freeHead = head;
        }
        // With IN_ORDER chains come back oldest first: freeHead already points past them.
        numFree += count;
        chainLength[head] = 0;
        chainWritable[head] = 0;
        chainsInFlight--;
        chainsUsed++;
    }

    /**
     * Asks the device to interrupt at its next used entry, then checks whether used entries
     * arrived already: {@code used_event = last_used_idx} with {@code EVENT_IDX}, else
     * {@code avail.flags = 0}; then a full barrier and a re-read of {@code used.idx} (Linux's
     * {@code virtqueue_enable_cb}).
     *
     * @return true if no used entry is pending, so the driver may wait for an interrupt; false if
     *         it must harvest first
     */
    public boolean enableInterrupts() {
        interruptsEnabled = true;
        interruptRearms++;
        if (eventIdx) {
            ring.write16(layout.usedEvent(), lastUsed);
        } else {
            ring.write16(layout.availFlags(), 0);
        }
        Barriers.mb();
        return ring.read16(layout.usedIdx()) == lastUsed;
    }

    /**
     * Tells the device interrupts are not needed while the driver is busy, until
     * {@link #enableInterrupts()} re-arms them before the driver sleeps. Without {@code EVENT_IDX}:
     * {@code avail.flags = NO_INTERRUPT}. With it the flags stay 0 ("The driver MUST set flags to
     * 0"), {@link #harvest} stops advancing {@code used_event}, and {@code used_event =
     * last_used_idx - 1}, moved along by each {@link #harvest}: 65535 entries ahead of anything
     * the device can publish before the re-arm, so no used entry crosses it (Linux writes an arbitrary far value here for the same
     * reason). Both are hints: the driver must tolerate interrupts it did not ask for.
     */
    public void disableInterrupts() {
        interruptsEnabled = false;
        if (eventIdx) {
            ring.write16(layout.usedEvent(), (lastUsed - 1) & 0xffff);
        } else {
            ring.write16(layout.availFlags(), VirtqueueDevice.AVAIL_F_NO_INTERRUPT);
        }
    }

    /** The {@code avail.idx} last stored: chains made available to the device, modulo 2^16. */
    public int availIdx() {
        return availPublished;
    }

    /** Chains added with {@link #addToBatch} that {@link #publish()} has not yet made available. */
    public int unpublished() {
        return (availShadow - availPublished) & 0xffff;
    }

    /** The driver's {@code last_used_idx}: used entries harvested, modulo 2^16. */
    public int lastUsedIdx() {
        return lastUsed;
    }

    /** Chains added since the queue was created. */
    public long chainsAdded() {
        return chainsAdded;
    }

    /** Chains harvested since the queue was created. */
    public long chainsUsed() {
        return chainsUsed;
    }

    /**
     * Descriptor fields ({@code addr}, {@code len}, {@code flags}+{@code next}) written since the
     * queue was created; a field that already held the value is not written and not counted.
     */
    public long descriptorWrites() {
        return descriptorWrites;
    }

    /** Notifications sent to the device. */
    public long kicks() {
        return kicks;
    }

    /** {@link #kickIfNeeded()} calls with new chains whose notification the device suppressed. */
    public long kicksSuppressed() {
        return kicksSuppressed;
    }

    /**
     * {@link #enableInterrupts()} calls: the times the driver asked for an interrupt. With
     * {@code EVENT_IDX} each writes one {@code used_event} the device can reach, and the device
     * interrupts once when it publishes that entry, so interrupts never exceed this count plus one
     * (the ring's initial {@code used_event} of 0).
     */
    public long interruptRearms() {
        return interruptRearms;
    }

    @Override
    public String toString() {
        return "VirtqueueDriver[" + name + ", " + layout + ", " + features + ", avail.idx=" + availPublished
                + ", last_used_idx=" + lastUsed + ", " + chainsInFlight + " chains in flight, " + numFree + " free]";
    }
}
