package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;
import dev.sysmem.sim.virtio.RamDisk;
import dev.sysmem.sim.virtio.VirtioFeatures;
import dev.sysmem.sim.virtio.VirtqueueDevice;
import dev.sysmem.sim.virtio.VirtqueueFault;
import dev.sysmem.sim.virtio.VirtqueueLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The vhost-user protocol state of one connection to a virtio-blk device over a {@link RamDisk}:
 * it answers each front-end message, maps the guest's memory, and runs the virtqueue once the
 * front-end has described and enabled it. The socket and the event loop are
 * {@link VhostUserConnection}'s.
 *
 * <p>Offered: virtio features VERSION_1, EVENT_IDX, FLUSH, SEG_MAX (and RO for a read-only disk)
 * plus {@code VHOST_USER_F_PROTOCOL_FEATURES} (bit 30); protocol features MQ (one queue),
 * REPLY_ACK and CONFIG, which is what QEMU's {@code vhost-user-blk} needs. INDIRECT_DESC is not
 * offered ({@link VirtqueueDevice} serves direct chains).
 *
 * <p><b>Checks.</b> Every message is checked against its request before it changes anything: the
 * payload size, the number of descriptors, queue indexes, feature bits (only offered bits may be
 * acked), ring sizes, the "no fd" bit and the unused bits around it, memory-table regions, config
 * ranges, and that requests needing a negotiated feature come after it. A failed check is a
 * {@link ProtocolViolation}: the connection closes with that reason, and the message's
 * descriptors are closed. A {@link VirtqueueFault} in the guest's rings (a descriptor outside
 * guest RAM, a loop) stops that queue only and signals its error eventfd, as a device would set
 * {@code DEVICE_NEEDS_RESET}.
 *
 * <p><b>Replies.</b> GET_* requests get their reply; with REPLY_ACK negotiated, any other request
 * with NEED_REPLY gets a u64 (0 success); every reply has flags {@code 0x5}.
 *
 * <p>Used by one thread.
 */
final class VhostUserBlkBackend implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VhostUserBlkBackend.class.getName());

    /** {@code VHOST_USER_F_PROTOCOL_FEATURES}: the legacy "unused" bit 30, never seen by guests. */
    static final int F_PROTOCOL_FEATURES = 30;
    /** {@code VIRTIO_BLK_F_SEG_MAX}. */
    static final int F_SEG_MAX = 2;
    static final int PROTOCOL_F_MQ = 0;
    static final int PROTOCOL_F_REPLY_ACK = 3;
    static final int PROTOCOL_F_CONFIG = 9;
    /** Data segments per request the device admits ({@code seg_max}). */
    static final int SEG_MAX = 32;
    static final int QUEUES = 1;
    /** {@code struct virtio_blk_config} up to {@code write_zeroes_may_unmap} and its padding. */
    static final int CONFIG_SIZE = 60;
    /** The "no fd" bit in the u64 of SET_VRING_KICK / CALL / ERR; bits 0-7 are the queue index. */
    static final long VRING_NOFD = 0x100;
    /** {@code VHOST_VRING_F_LOG}: dirty-page logging for the used ring, not supported here. */
    static final int VRING_F_LOG = 1;

    private final RamDisk disk;
    private final long offeredFeatures;
    private final long offeredProtocolFeatures;
    private final byte[] config;
    private final Vring[] rings = new Vring[QUEUES];

    private long ackedFeatures;
    private boolean featuresSet;
    private long protocolFeatures;
    private GuestMemoryTable memory;

    VhostUserBlkBackend(RamDisk disk) {
        this.disk = disk;
        this.offeredFeatures = disk.offeredFeatures().bits() | (1L << F_SEG_MAX) | (1L << F_PROTOCOL_FEATURES);
        this.offeredProtocolFeatures = (1L << PROTOCOL_F_MQ) | (1L << PROTOCOL_F_REPLY_ACK) | (1L << PROTOCOL_F_CONFIG);
        ByteBuffer c = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(0, disk.capacity());
        c.putInt(12, SEG_MAX);
        c.putShort(34, (short) QUEUES);
        this.config = c.array();
        for (int i = 0; i < QUEUES; i++) {
            rings[i] = new Vring(i);
        }
    }

    long offeredFeatures() {
        return offeredFeatures;
    }

    long offeredProtocolFeatures() {
        return offeredProtocolFeatures;
    }

    /** Chains served on all queues over this connection so far. */
    long chainsServed() {
        long served = 0;
        for (Vring r : rings) {
            served += r.chainsServed();
        }
        return served;
    }

    /** The kick descriptors of the queues being served, for the event loop to wait on (-1: none). */
    int kickFd(int queue) {
        Vring r = rings[queue];
        return r.device != null ? r.kickFd : -1;
    }

    /**
     * Handles one message; returns the reply to send, or null.
     *
     * @throws ProtocolViolation if the message breaks the protocol; the caller closes the connection
     */
    VhostUserMessage handle(VhostUserMessage m) throws ProtocolViolation, IOException {
        List<Integer> unclaimed = new ArrayList<>();
        for (int fd : m.fds()) {
            unclaimed.add(fd);
        }
        try {
            VhostUserRequest request = VhostUserRequest.of(m.request());
            if (request == null) {
                throw new ProtocolViolation("unknown or unsupported " + VhostUserRequest.describe(m.request()));
            }
            checkShape(request, m);
            VhostUserMessage reply = dispatch(request, m, unclaimed);
            if (reply == null && m.needsReply() && hasProtocolFeature(PROTOCOL_F_REPLY_ACK)) {
                reply = VhostUserMessage.replyU64(m.request(), 0);
            }
            return reply;
        } finally {
            for (int fd : unclaimed) {
                Libc.closeQuietly(fd);
            }
        }
    }

    private void checkShape(VhostUserRequest request, VhostUserMessage m) throws ProtocolViolation {
        int size = m.payload().length;
        if (request.payloadSize != VhostUserRequest.VARIABLE && size != request.payloadSize) {
            throw new ProtocolViolation(request + ": payload of " + size + " bytes, expected " + request.payloadSize);
        }
        int fds = m.fds().length;
        if (request.fds >= 0 && fds != request.fds) {
            throw new ProtocolViolation(request + ": " + fds + " file descriptor(s), expected " + request.fds);
        }
        if ((request == VhostUserRequest.GET_CONFIG || request == VhostUserRequest.SET_CONFIG)
                && !hasProtocolFeature(PROTOCOL_F_CONFIG)) {
            throw new ProtocolViolation(request + " before VHOST_USER_PROTOCOL_F_CONFIG was negotiated");
        }
        if (request == VhostUserRequest.GET_QUEUE_NUM && !hasProtocolFeature(PROTOCOL_F_MQ)) {
            throw new ProtocolViolation(request + " before VHOST_USER_PROTOCOL_F_MQ was negotiated");
        }
    }

    private boolean hasProtocolFeature(int bit) {
        return (protocolFeatures & (1L << bit)) != 0;
    }

    private VhostUserMessage dispatch(VhostUserRequest request, VhostUserMessage m, List<Integer> fds)
            throws ProtocolViolation, IOException {
        ByteBuffer body = m.body();
        return switch (request) {
            case GET_FEATURES -> VhostUserMessage.replyU64(m.request(), offeredFeatures);
            case SET_FEATURES -> {
                long bits = body.getLong(0);
                if ((bits & ~offeredFeatures) != 0) {
                    throw new ProtocolViolation(request + ": acks 0x" + Long.toHexString(bits & ~offeredFeatures)
                            + ", bits never offered (offered 0x" + Long.toHexString(offeredFeatures) + ")");
                }
                if (anyRunning() && ((bits ^ ackedFeatures) & (1L << VirtioFeatures.EVENT_IDX)) != 0) {
                    throw new ProtocolViolation(request + ": EVENT_IDX changed while a queue runs");
                }
                ackedFeatures = bits;
                featuresSet = true;
                if ((bits & (1L << F_PROTOCOL_FEATURES)) == 0) {
                    // Without bit 30 rings are enabled as soon as they start (vhost-user.rst, "Ring states").
                    for (Vring r : rings) {
                        r.enabled = true;
                        startIfReady(r);
                    }
                }
                yield null;
            }
            case SET_OWNER -> null;
            case RESET_OWNER -> {
                reset();
                yield null;
            }
            case GET_PROTOCOL_FEATURES -> VhostUserMessage.replyU64(m.request(), offeredProtocolFeatures);
            case SET_PROTOCOL_FEATURES -> {
                long bits = body.getLong(0);
                if ((bits & ~offeredProtocolFeatures) != 0) {
                    throw new ProtocolViolation(request + ": acks protocol features 0x"
                            + Long.toHexString(bits & ~offeredProtocolFeatures) + " never offered (offered 0x"
                            + Long.toHexString(offeredProtocolFeatures) + ")");
                }
                protocolFeatures = bits;
                yield null;
            }
            case GET_QUEUE_NUM -> VhostUserMessage.replyU64(m.request(), QUEUES);
            case SET_MEM_TABLE -> {
                setMemTable(m, body);
                fds.clear();
                yield null;
            }
            case SET_VRING_NUM -> {
                Vring r = ring(request, body.getInt(0));
                int num = body.getInt(4);
                try {
                    VirtqueueLayout.checkQueueSize(num);
                } catch (IllegalArgumentException e) {
                    throw new ProtocolViolation(request + " for " + r + ": " + e.getMessage());
                }
                if (r.device != null) {
                    throw new ProtocolViolation(request + ": " + r + " is running");
                }
                r.size = num;
                yield null;
            }
            case SET_VRING_ADDR -> {
                Vring r = ring(request, body.getInt(0));
                int flags = body.getInt(4);
                if (flags != 0) {
                    throw new ProtocolViolation(request + " for " + r + ": flags 0x" + Integer.toHexString(flags)
                            + " ask for dirty-page logging or set unknown bits; neither was offered");
                }
                r.park();
                r.descriptorTableAddress = body.getLong(8);
                r.usedRingAddress = body.getLong(16);
                r.availableRingAddress = body.getLong(24);
                r.addressed = true;
                startIfReady(r);
                yield null;
            }
            case SET_VRING_BASE -> {
                Vring r = ring(request, body.getInt(0));
                int num = body.getInt(4);
                if (num < 0 || num > 0xffff) {
                    throw new ProtocolViolation(request + " for " + r + ": base " + Integer.toUnsignedString(num)
                            + " does not fit the 16-bit ring index");
                }
                if (r.device != null) {
                    throw new ProtocolViolation(request + ": " + r + " is running");
                }
                r.base = num;
                r.fault = null;
                yield null;
            }
            case GET_VRING_BASE -> {
                Vring r = ring(request, body.getInt(0));
                r.park();
                r.started = false;
                // As libvhost-user: a stopped ring keeps no eventfds; the front-end sends new ones to restart it.
                r.replaceKick(-1);
                r.replaceCall(-1);
                ByteBuffer state = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                state.putInt(0, r.index).putInt(4, r.base);
                yield VhostUserMessage.reply(m.request(), state.array());
            }
            case SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR -> {
                long value = body.getLong(0);
                if ((value & ~(0xffL | VRING_NOFD)) != 0) {
                    throw new ProtocolViolation(request + ": u64 0x" + Long.toHexString(value)
                            + " sets bits other than the queue index (0-7) and no-fd (8)");
                }
                Vring r = ring(request, (int) (value & 0xff));
                boolean noFd = (value & VRING_NOFD) != 0;
                if (m.fds().length != (noFd ? 0 : 1)) {
                    throw new ProtocolViolation(request + " for " + r + ": " + m.fds().length
                            + " file descriptor(s) with the no-fd bit " + (noFd ? "set" : "clear") + ", expected "
                            + (noFd ? 0 : 1));
                }
                int fd = noFd ? -1 : m.fds()[0];
                fds.clear();
                if (request == VhostUserRequest.SET_VRING_KICK) {
                    if (noFd) {
                        throw new ProtocolViolation(request + " for " + r
                                + " without a descriptor asks for a polling back-end; this one waits for kicks");
                    }
                    r.replaceKick(fd);
                    r.started = true;
                    startIfReady(r);
                } else if (request == VhostUserRequest.SET_VRING_CALL) {
                    r.replaceCall(fd);
                } else {
                    r.replaceErr(fd);
                }
                yield null;
            }
            case SET_VRING_ENABLE -> {
                Vring r = ring(request, body.getInt(0));
                int num = body.getInt(4);
                if (num != 0 && num != 1) {
                    throw new ProtocolViolation(request + " for " + r + ": state " + Integer.toUnsignedString(num)
                            + ", expected 0 or 1");
                }
                if (!featuresSet || (ackedFeatures & (1L << F_PROTOCOL_FEATURES)) == 0) {
                    throw new ProtocolViolation(request + " without VHOST_USER_F_PROTOCOL_FEATURES negotiated");
                }
                r.enabled = num == 1;
                if (r.enabled) {
                    startIfReady(r);
                } else {
                    r.park();
                }
                yield null;
            }
            case GET_CONFIG -> getConfig(m, body);
            case SET_CONFIG -> {
                checkConfigRange(request, m, body);
                // No writable config field is offered (CONFIG_WCE is not): a write is refused, not applied.
                LOG.log(System.Logger.Level.WARNING, "vhost-user-blk: refused " + request + " at offset "
                        + body.getInt(0) + " (" + body.getInt(4) + " bytes): no config field is writable");
                yield m.needsReply() && hasProtocolFeature(PROTOCOL_F_REPLY_ACK)
                        ? VhostUserMessage.replyU64(m.request(), 1) : null;
            }
        };
    }

    private Vring ring(VhostUserRequest request, int index) throws ProtocolViolation {
        if (index < 0 || index >= QUEUES) {
            throw new ProtocolViolation(request + ": queue index " + Integer.toUnsignedString(index)
                    + " is out of range; this device has " + QUEUES + " queue(s)");
        }
        return rings[index];
    }

    private boolean anyRunning() {
        for (Vring r : rings) {
            if (r.device != null) {
                return true;
            }
        }
        return false;
    }

    private void setMemTable(VhostUserMessage m, ByteBuffer body) throws ProtocolViolation, IOException {
        int size = m.payload().length;
        if (size < 8) {
            throw new ProtocolViolation("SET_MEM_TABLE: payload of " + size + " bytes has no region count");
        }
        int count = body.getInt(0);
        if (count < 1 || count > GuestMemoryTable.MAX_REGIONS) {
            throw new ProtocolViolation("SET_MEM_TABLE: " + Integer.toUnsignedString(count) + " regions, expected 1 to "
                    + GuestMemoryTable.MAX_REGIONS);
        }
        if (size != 8 + 32 * count) {
            throw new ProtocolViolation("SET_MEM_TABLE: payload of " + size + " bytes for " + count
                    + " regions, expected " + (8 + 32 * count));
        }
        if (m.fds().length != count) {
            throw new ProtocolViolation("SET_MEM_TABLE: " + m.fds().length + " file descriptor(s) for " + count
                    + " regions");
        }
        List<GuestMemoryTable.Region> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = 8 + 32 * i;
            regions.add(new GuestMemoryTable.Region(body.getLong(at), body.getLong(at + 8), body.getLong(at + 16),
                    body.getLong(at + 24)));
        }
        GuestMemoryTable table;
        try {
            table = GuestMemoryTable.map(regions, m.fds());
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolation("SET_MEM_TABLE: " + e.getMessage());
        }
        // QEMU sends the table again while rings run: the engines restart on the new mapping from where they were.
        for (Vring r : rings) {
            r.park();
        }
        if (memory != null) {
            memory.close();
        }
        memory = table;
        LOG.log(System.Logger.Level.DEBUG, () -> "vhost-user-blk: memory table " + table);
        for (Vring r : rings) {
            startIfReady(r);
        }
    }

    private VhostUserMessage getConfig(VhostUserMessage m, ByteBuffer body) throws ProtocolViolation {
        checkConfigRange(VhostUserRequest.GET_CONFIG, m, body);
        int offset = body.getInt(0);
        int size = body.getInt(4);
        if (offset + size > CONFIG_SIZE) {
            // The protocol's error reply for a config read: an empty payload.
            LOG.log(System.Logger.Level.WARNING, "vhost-user-blk: GET_CONFIG of " + size + " bytes at " + offset
                    + " goes past the " + CONFIG_SIZE + "-byte virtio-blk config; answered with an empty reply");
            return VhostUserMessage.reply(m.request(), new byte[0]);
        }
        byte[] reply = m.payload().clone();
        System.arraycopy(config, offset, reply, 12, size);
        return VhostUserMessage.reply(m.request(), reply);
    }

    private static void checkConfigRange(VhostUserRequest request, VhostUserMessage m, ByteBuffer body)
            throws ProtocolViolation {
        int length = m.payload().length;
        if (length < 12) {
            throw new ProtocolViolation(request + ": payload of " + length + " bytes is shorter than the 12-byte "
                    + "offset/size/flags header");
        }
        int offset = body.getInt(0);
        int size = body.getInt(4);
        if (size < 0 || length != 12 + size) {
            throw new ProtocolViolation(request + ": size field " + Integer.toUnsignedString(size) + " but " + (length - 12)
                    + " config bytes in the payload");
        }
        if (offset < 0 || offset > 256 - size) {
            throw new ProtocolViolation(request + ": offset " + Integer.toUnsignedString(offset) + " + size " + size
                    + " is outside the 256-byte device config space");
        }
    }

    /** Starts the queue engine if the ring is started, enabled, described and backed by memory. */
    private void startIfReady(Vring r) throws ProtocolViolation {
        if (r.device != null || !r.started || !r.enabled || !r.addressed || r.size == 0 || memory == null
                || r.fault != null) {
            return;
        }
        int qs = r.size;
        long desc;
        long avail;
        long used;
        VirtqueueLayout layout;
        try {
            desc = memory.toGuestPhysical(r.descriptorTableAddress, VirtqueueLayout.descriptorTableSize(qs),
                    "the descriptor table of " + r);
            avail = memory.toGuestPhysical(r.availableRingAddress, VirtqueueLayout.availableRingSize(qs),
                    "the available ring of " + r);
            used = memory.toGuestPhysical(r.usedRingAddress, VirtqueueLayout.usedRingSize(qs),
                    "the used ring of " + r);
            layout = VirtqueueLayout.of(qs, desc, avail, used);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolation("SET_VRING_ADDR for " + r + ": " + e.getMessage());
        }
        VirtioFeatures features = new VirtioFeatures(ackedFeatures);
        GuestMemoryTable table = memory;
        r.device = VirtqueueDevice.resume("vhost-user-blk queue " + r.index, table.io(), layout, features, disk,
                () -> signal(r, r.callFd, "call"), r.base, table::refuse);
        LOG.log(System.Logger.Level.DEBUG, () -> "vhost-user-blk: serving " + r + " at " + layout);
        // A kick that came before the ring was enabled would otherwise be lost: look at the ring now.
        serve(r.index);
    }

    /**
     * Serves queue {@code queue} until its available ring is empty and notifications are back on
     * (the kick that woke it has been drained by the caller).
     */
    void serve(int queue) {
        Vring r = rings[queue];
        VirtqueueDevice device = r.device;
        if (device == null) {
            return;
        }
        try {
            do {
                device.disableNotifications();
                while (device.processAvailable() > 0) {
                    // Take everything the driver made available before asking for the next kick.
                }
            } while (!device.enableNotifications());
        } catch (VirtqueueFault e) {
            r.fault = e.getMessage();
            r.park();
            LOG.log(System.Logger.Level.ERROR, "vhost-user-blk: queue " + queue + " stopped: " + e.getMessage());
            signal(r, r.errFd, "error");
        }
    }

    /** Why queue {@code queue} stopped after a fault in the guest's ring, or null. */
    String fault(int queue) {
        return rings[queue].fault;
    }

    private static void signal(Vring r, int fd, String what) {
        if (fd < 0) {
            return;
        }
        try {
            Libc.writeCounter(fd, 1);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "vhost-user-blk: cannot signal the " + what + " eventfd of " + r
                    + ": " + e.getMessage());
        }
    }

    private void reset() {
        for (Vring r : rings) {
            r.release();
            r.started = false;
            r.enabled = false;
            r.base = 0;
            r.fault = null;
        }
        ackedFeatures = 0;
        featuresSet = false;
    }

    /** Closes every descriptor and unmaps guest memory. */
    @Override
    public void close() {
        for (Vring r : rings) {
            r.release();
        }
        if (memory != null) {
            memory.close();
            memory = null;
        }
    }
}
