package dev.sysmem.sim.virtio;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.InterruptLine;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.sysmem.sim.virtio.VirtioMmioLayout.*;

/**
 * A VIRTIO device with one split virtqueue behind the virtio-mmio register block of VIRTIO 1.x
 * section 4.2.2, laid over a region of shared memory ({@link VirtioMmioLayout}): a driver sets it
 * up and drives it through nothing but the region (another process, a C program, a guest that
 * maps the file), as it would a virtio-mmio device on a bus.
 *
 * <p><b>What the device does</b>, each point from the spec's device requirements (2.1 "Device
 * Status Field", 3.1 "Device Initialization", 4.2.2.1 "MMIO Device Register Layout, Device
 * Requirements"):
 * <ul>
 *   <li>Status: the driver sets ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK in that order. A
 *       bit set before the one it follows, a cleared bit, or DEVICE_NEEDS_RESET written by the
 *       driver is refused: the device sets DEVICE_NEEDS_RESET (2.1: "SHOULD set DEVICE_NEEDS_RESET
 *       when it enters an error state that a reset is needed") and records why.</li>
 *   <li>FEATURES_OK: taken only if the driver accepted no feature the device did not offer and
 *       accepted VIRTIO_F_VERSION_1; otherwise the device leaves the bit clear, so the driver's
 *       read-back sees it refused (3.1.1 step 6, 2.2.1).</li>
 *   <li>Writing 0 to Status resets the device: InterruptStatus and QueueReady cleared (4.2.2.1),
 *       features, selections and queue addresses forgotten, the queue dropped.</li>
 *   <li>QueueReady = 1 is taken only after FEATURES_OK, with a power-of-two QueueNum up to
 *       QueueNumMax and the three parts aligned, disjoint and inside guest memory
 *       ({@link VirtioMmioLayout#GUEST_MEMORY_START} to the end of the region). Otherwise
 *       QueueReady stays 0 and the device sets DEVICE_NEEDS_RESET, naming the registers.</li>
 *   <li>The queue is used only while QueueReady is 1 and DRIVER_OK is set ("MUST NOT access
 *       virtual queue contents when QueueReady is zero"; "MUST NOT consume buffers ... before
 *       DRIVER_OK"). A buffer in the register page, or a ring rule the driver breaks
 *       ({@link VirtqueueFault}), stops the queue with DEVICE_NEEDS_RESET.</li>
 *   <li>QueueNotify with index 0 kicks the queue; InterruptStatus bit 0 is set when used buffers
 *       are published (unless the driver suppressed the interrupt), bit 1 when the device sets
 *       DEVICE_NEEDS_RESET while DRIVER_OK is set (2.1.1); both stay set until the driver writes
 *       them to InterruptACK.</li>
 *   <li>Read-only registers and the configuration keep their values: a write to them is undone.
 *       The configuration never changes, so ConfigGeneration stays 0.</li>
 * </ul>
 * Every refusal is kept, with the register's name and offset, in {@link #refusals()}.
 *
 * <p><b>Threads.</b> The device's thread is the only writer of the device-owned words (all
 * registers after a bus cycle, InterruptStatus, BusDoneCount) and the only user of the queue
 * engine; the counters may be read from any thread.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.anonymous(1 << 20); DeviceRunner runner = new DeviceRunner()) {
 *     VirtioMmioDevice blk = VirtioMmioDevice.block("blk0", shm.io("blk0"), RamDisk.create(2048, "disk0", false), 256);
 *     runner.start(blk);
 *     // the driver: registers at offset 0 of the region, rings and buffers from 0x1000
 * }
 * }</pre>
 */
public final class VirtioMmioDevice implements Device {

    /** Refusals kept; later ones are counted only. */
    public static final int REFUSALS_KEPT = 64;

    private static final Duration IDLE_WAIT = Duration.ofMillis(100);

    private final String name;
    private final SysMem guest;
    private final SysMem regs;
    private final int deviceId;
    private final VirtioFeatures offered;
    private final byte[] config;
    private final ChainHandler function;
    private final int queueNumMax;
    private final InterruptLine interrupt;
    private final List<String> refusals = new ArrayList<>();

    // Device-thread state: the latched registers of the one queue and the negotiation.
    private int done;
    private int status;
    private int interruptStatus;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private boolean driverFeaturesBeyond64;
    private VirtioFeatures features = VirtioFeatures.NONE;
    private int queueSel;
    private int queueNum;
    private final long[] queueAddress = new long[3];
    private boolean queueReady;
    private VirtqueueLayout layout;
    private volatile VirtqueueDevice queue;

    private volatile boolean running;
    private volatile long notifies;
    private volatile long ignoredNotifies;
    private volatile long interrupts;
    private volatile long chainsBefore;
    private volatile long resets;
    private volatile long refusalCount;

    /**
     * A device named {@code name} over {@code region}: the register block is written at once
     * (MagicValue last), so a driver may probe it before the device runs.
     *
     * @param deviceId    the VIRTIO device type (2 for a block device)
     * @param offered     the features the device offers; must include VIRTIO_F_VERSION_1
     * @param config      the device configuration, at most 0x100 bytes, read-only to the driver
     * @param function    what the device does with each chain
     * @param queueNumMax the largest queue size (QueueNumMax), a power of two up to 32768
     * @throws IllegalArgumentException if the region is smaller than the register page and the
     *                                  smallest queue, or a parameter is out of range
     */
    public VirtioMmioDevice(String name, SysMem region, int deviceId, VirtioFeatures offered, byte[] config,
                            ChainHandler function, int queueNumMax) {
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        this.offered = Objects.requireNonNull(offered, "offered");
        this.config = Objects.requireNonNull(config, "config").clone();
        this.function = Objects.requireNonNull(function, "function");
        VirtqueueLayout.checkQueueSize(queueNumMax);
        if (!offered.has(VirtioFeatures.VERSION_1)) {
            throw new IllegalArgumentException("virtio-mmio device '" + name + "': a version 2 device must offer "
                    + "VIRTIO_F_VERSION_1 (bit 32), offered " + offered);
        }
        if (config.length > REGISTERS_SIZE - CONFIG) {
            throw new IllegalArgumentException("virtio-mmio device '" + name + "': a configuration of " + config.length
                    + " bytes does not fit the " + (REGISTERS_SIZE - CONFIG) + " bytes from Config (0x100)");
        }
        long smallest = GUEST_MEMORY_START + VirtqueueLayout.contiguous(1, 0).end();
        if (region.size() < smallest) {
            throw new IllegalArgumentException("virtio-mmio device '" + name + "': region '" + region.name() + "' of "
                    + region.size() + " bytes is too small: it needs the 0x1000-byte register page and room for a queue ("
                    + smallest + " bytes at least)");
        }
        this.deviceId = deviceId;
        this.queueNumMax = queueNumMax;
        this.guest = region;
        this.regs = region.withMode(AccessMode.ACQUIRE_RELEASE).withOrder(ByteOrder.LITTLE_ENDIAN);
        this.interrupt = new InterruptLine(name + ".irq");
        publishRegisters();
    }

    /**
     * A virtio-blk device ({@code DeviceID} 2) serving {@code disk}, offering its features and
     * its capacity in the configuration ({@code le64 capacity} at 0x100, VIRTIO 1.x 5.2.4).
     */
    public static VirtioMmioDevice block(String name, SysMem region, RamDisk disk, int queueNumMax) {
        byte[] capacity = new byte[8];
        for (int i = 0; i < 8; i++) {
            capacity[i] = (byte) (disk.capacity() >>> (8 * i));
        }
        return new VirtioMmioDevice(name, region, RamDisk.DEVICE_ID, disk.offeredFeatures(), capacity, disk,
                queueNumMax);
    }

    @Override
    public String name() {
        return name;
    }

    /** Raised while InterruptStatus is not zero: a wake-up for a driver in this JVM (others read InterruptStatus). */
    public InterruptLine interrupt() {
        return interrupt;
    }

    /** Whether the device's loop runs. */
    public boolean isRunning() {
        return running;
    }

    /** QueueNotify writes for queue 0 while it was live: the kicks the device took. */
    public long notifies() {
        return notifies;
    }

    /** QueueNotify writes for another queue, or before the queue was live. */
    public long ignoredNotifies() {
        return ignoredNotifies;
    }

    /** Used-buffer interrupts sent (InterruptStatus bit 0 set), over every queue lifetime. */
    public long interrupts() {
        return interrupts;
    }

    /** Chains served, over every queue lifetime (exact once the device stopped). */
    public long chainsServed() {
        VirtqueueDevice q = queue;
        return chainsBefore + (q != null ? q.chainsServed() : 0);
    }

    /** Resets: writes of 0 to Status. */
    public long resets() {
        return resets;
    }

    /** Every write the device refused, oldest first, up to {@value #REFUSALS_KEPT}; each names the register and offset. */
    public List<String> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    /** How many writes the device refused, all of them. */
    public long refusalCount() {
        return refusalCount;
    }

    @Override
    public void run(DeviceContext context) throws InterruptedException {
        running = true;
        try {
            while (!context.isStopping()) {
                if (takeBusWrite()) {
                    continue;
                }
                if (queue != null && !serve(context)) {
                    continue;
                }
                context.pollUntil(this::busWritePending, IDLE_WAIT);
            }
        } finally {
            running = false;
        }
    }

    /** One busy spell: serves until the ring is empty; true if the device may wait for a kick. */
    private boolean serve(DeviceContext context) {
        VirtqueueDevice q = queue;
        try {
            q.disableNotifications();
            int served;
            do {
                served = q.processAvailable();
            } while (served > 0 && !busWritePending() && !context.isStopping());
            if (busWritePending()) {
                // Take the register write first; notifications stay off, the device is still busy.
                return false;
            }
            return q.enableNotifications();
        } catch (VirtqueueFault fault) {
            needsReset("queue 0 stopped: " + fault.getMessage());
            return true;
        }
    }

    private boolean busWritePending() {
        return regs.read32(BUS_WRITE_COUNT) != done;
    }

    /** Takes the driver's pending register write, if there is one. */
    private boolean takeBusWrite() {
        int count = regs.read32(BUS_WRITE_COUNT);
        if (count == done) {
            return false;
        }
        int offset = regs.read32(BUS_WRITE_OFFSET);
        if (count - done != 1) {
            refuse(describe(BUS_WRITE_COUNT) + " moved from " + Integer.toUnsignedString(done) + " to "
                    + Integer.toUnsignedString(count) + ": the driver wrote without waiting for "
                    + describe(BUS_DONE_COUNT) + "; only the last write, to " + describe(offset) + ", is taken");
        }
        if (offset < 0 || offset >= REGISTERS_SIZE || (offset & 3) != 0) {
            refuse(describe(BUS_WRITE_OFFSET) + " = 0x" + Integer.toHexString(offset)
                    + " is not the offset of a 32-bit register below 0x" + Integer.toHexString(REGISTERS_SIZE));
        } else {
            write(offset, regs.read32(offset));
        }
        done = count;
        regs.write32(BUS_DONE_COUNT, done);
        return true;
    }

    private void write(int offset, int value) {
        switch (offset) {
            case DEVICE_FEATURES_SEL -> {
                deviceFeaturesSel = value;
                regs.write32(DEVICE_FEATURES, featureWord(offered.bits(), value));
            }
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = value;
            case DRIVER_FEATURES -> driverFeatures(value);
            case QUEUE_SEL -> {
                queueSel = value;
                regs.write32(QUEUE_NUM_MAX, value == 0 ? queueNumMax : 0);
                regs.write32(QUEUE_READY, value == 0 && queueReady ? 1 : 0);
            }
            case QUEUE_NUM, QUEUE_DESC_LOW, QUEUE_DESC_HIGH, QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, QUEUE_DEVICE_LOW,
                 QUEUE_DEVICE_HIGH -> queueRegister(offset, value);
            case QUEUE_READY -> queueReady(value);
            case QUEUE_NOTIFY -> notify(value);
            case INTERRUPT_ACK -> setInterruptStatus(interruptStatus & ~value);
            case STATUS -> status(value);
            case MAGIC_VALUE, VERSION_REGISTER, DEVICE_ID, VENDOR_ID, DEVICE_FEATURES, QUEUE_NUM_MAX,
                 INTERRUPT_STATUS, CONFIG_GENERATION, BUS_DONE_COUNT -> {
                regs.write32(offset, readOnlyValue(offset));
                refuse(describe(offset) + " is read-only: the write of 0x" + Integer.toHexString(value) + " was undone");
            }
            default -> {
                if (offset >= CONFIG) {
                    regs.write32(offset, configWord(offset - CONFIG));
                    refuse(describe(offset) + ": the configuration is read-only; the write of 0x"
                            + Integer.toHexString(value) + " was undone");
                } else {
                    regs.write32(offset, 0);
                    refuse(describe(offset) + " is reserved: the write of 0x" + Integer.toHexString(value)
                            + " was undone");
                }
            }
        }
    }

    private void driverFeatures(int value) {
        if ((status & DRIVER) == 0 || (status & FEATURES_OK) != 0) {
            needsReset(describe(DRIVER_FEATURES) + " written with " + describe(STATUS) + " = 0x"
                    + Integer.toHexString(status) + ": features are written after DRIVER and before FEATURES_OK");
            return;
        }
        long word = Integer.toUnsignedLong(value);
        switch (driverFeaturesSel) {
            case 0 -> driverFeatures = (driverFeatures & 0xffff_ffff_0000_0000L) | word;
            case 1 -> driverFeatures = (driverFeatures & 0xffff_ffffL) | (word << 32);
            default -> driverFeaturesBeyond64 |= value != 0;
        }
    }

    private void queueRegister(int offset, int value) {
        if (queueSel != 0) {
            refuse(describe(offset) + " written for queue " + Integer.toUnsignedString(queueSel) + " ("
                    + describe(QUEUE_SEL) + "), which this device does not have: it has queue 0 only");
            return;
        }
        if (queueReady) {
            refuse(describe(offset) + " written while " + describe(QUEUE_READY)
                    + " is 1: the queue's size and addresses change only while it is not ready; ignored");
            return;
        }
        if (offset == QUEUE_NUM) {
            queueNum = value;
        } else {
            int part = (offset - QUEUE_DESC_LOW) / 0x10;
            boolean high = (offset & 4) != 0;
            long old = queueAddress[part];
            long word = Integer.toUnsignedLong(value);
            queueAddress[part] = high ? (old & 0xffff_ffffL) | (word << 32) : (old & 0xffff_ffff_0000_0000L) | word;
        }
    }

    private void queueReady(int value) {
        if (queueSel != 0) {
            regs.write32(QUEUE_READY, 0);
            refuse(describe(QUEUE_READY) + " written for queue " + Integer.toUnsignedString(queueSel)
                    + ", which this device does not have");
            return;
        }
        if (value == 0) {
            queueReady = false;
            stopQueue();
            regs.write32(QUEUE_READY, 0);
            return;
        }
        if (value != 1) {
            regs.write32(QUEUE_READY, queueReady ? 1 : 0);
            refuse(describe(QUEUE_READY) + " takes 0 or 1, not 0x" + Integer.toHexString(value));
            return;
        }
        regs.write32(QUEUE_READY, 0);
        if ((status & FEATURES_OK) == 0) {
            needsReset(describe(QUEUE_READY) + " set with " + describe(STATUS) + " = 0x" + Integer.toHexString(status)
                    + ": a queue is set up after FEATURES_OK");
            return;
        }
        String wrong = checkQueue();
        if (wrong != null) {
            needsReset(wrong);
            return;
        }
        queueReady = true;
        regs.write32(QUEUE_READY, 1);
        goLive();
    }

    /** Null if the latched queue registers describe a usable queue, else why not, naming the registers. */
    private String checkQueue() {
        if (queueNum < 1 || queueNum > queueNumMax || Integer.bitCount(queueNum) != 1) {
            return describe(QUEUE_NUM) + " = " + Integer.toUnsignedString(queueNum) + ": a queue size is a power of two "
                    + "from 1 to " + describe(QUEUE_NUM_MAX) + " = " + queueNumMax;
        }
        try {
            layout = VirtqueueLayout.of(queueNum, queueAddress[0], queueAddress[1], queueAddress[2]);
        } catch (IllegalArgumentException e) {
            return describe(QUEUE_READY) + " refused: " + e.getMessage() + " (" + describe(QUEUE_DESC_LOW) + ", "
                    + describe(QUEUE_DRIVER_LOW) + ", " + describe(QUEUE_DEVICE_LOW) + " and their High words)";
        }
        String[] parts = {"descriptor table", "available ring (driver area)", "used ring (device area)"};
        int[] registers = {QUEUE_DESC_LOW, QUEUE_DRIVER_LOW, QUEUE_DEVICE_LOW};
        long[] sizes = {VirtqueueLayout.descriptorTableSize(queueNum), VirtqueueLayout.availableRingSize(queueNum),
                VirtqueueLayout.usedRingSize(queueNum)};
        for (int i = 0; i < 3; i++) {
            long start = queueAddress[i];
            if (start < GUEST_MEMORY_START || start > guest.size() - sizes[i]) {
                return describe(registers[i]) + "/" + describe(registers[i] + 4) + " = 0x" + Long.toHexString(start)
                        + ": the " + parts[i] + " [0x" + Long.toHexString(start) + ", 0x"
                        + Long.toHexString(start + sizes[i]) + ") is not inside guest memory [0x"
                        + Long.toHexString(GUEST_MEMORY_START) + ", 0x" + Long.toHexString(guest.size()) + ")";
            }
        }
        return null;
    }

    private void notify(int value) {
        if (value != 0) {
            ignoredNotifies++;
            refuse(describe(QUEUE_NOTIFY) + " names queue " + Integer.toUnsignedString(value)
                    + ", which this device does not have");
        } else if (queue == null) {
            ignoredNotifies++;
            refuse(describe(QUEUE_NOTIFY) + " for queue 0 while it is not live (" + describe(STATUS) + " = 0x"
                    + Integer.toHexString(status) + ", " + describe(QUEUE_READY) + " = " + (queueReady ? 1 : 0) + ")");
        } else {
            notifies++;
        }
    }

    private void status(int value) {
        int old = status;
        if (value == 0) {
            reset();
            return;
        }
        if ((old & ~value & ~DEVICE_NEEDS_RESET) != 0) {
            needsReset(describe(STATUS) + ": the write of 0x" + Integer.toHexString(value) + " clears bits 0x"
                    + Integer.toHexString(old & ~value) + "; a driver never clears a status bit, it writes 0 to reset");
            return;
        }
        int added = value & ~old;
        if ((added & DEVICE_NEEDS_RESET) != 0) {
            needsReset(describe(STATUS) + ": DEVICE_NEEDS_RESET (0x40) is the device's bit; the driver wrote 0x"
                    + Integer.toHexString(value));
            return;
        }
        if ((added & FAILED) != 0) {
            setStatus(old | FAILED);
            stopQueue();
            return;
        }
        int next = old | added;
        String order = statusOrder(next);
        if (order != null) {
            needsReset(describe(STATUS) + ": the write of 0x" + Integer.toHexString(value) + " " + order
                    + " (VIRTIO 1.x 3.1.1: ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK)");
            return;
        }
        if ((added & FEATURES_OK) != 0) {
            String refused = refuseFeatures();
            if (refused != null) {
                // DRIVER_OK written together with a refused FEATURES_OK is not taken either.
                next &= ~(FEATURES_OK | DRIVER_OK);
                added &= ~DRIVER_OK;
                refuse(describe(STATUS) + ": FEATURES_OK refused: " + refused);
            } else {
                features = new VirtioFeatures(driverFeatures);
            }
        }
        setStatus(next);
        if ((added & DRIVER_OK) != 0) {
            goLive();
        }
    }

    private static String statusOrder(int status) {
        if ((status & DRIVER) != 0 && (status & ACKNOWLEDGE) == 0) {
            return "sets DRIVER without ACKNOWLEDGE";
        }
        if ((status & FEATURES_OK) != 0 && (status & DRIVER) == 0) {
            return "sets FEATURES_OK without DRIVER";
        }
        if ((status & DRIVER_OK) != 0 && (status & FEATURES_OK) == 0) {
            return "sets DRIVER_OK without FEATURES_OK";
        }
        return null;
    }

    private String refuseFeatures() {
        long unknown = driverFeatures & ~offered.bits();
        if (unknown != 0) {
            return "the driver accepted feature bits 0x" + Long.toHexString(unknown) + " (" + bitList(unknown) + ") that "
                    + describe(DEVICE_FEATURES) + " does not offer (offered 0x" + Long.toHexString(offered.bits()) + ")";
        }
        if (driverFeaturesBeyond64) {
            return "the driver accepted feature bits above 63 (" + describe(DRIVER_FEATURES_SEL)
                    + " > 1), which this device does not offer";
        }
        if ((driverFeatures & (1L << VirtioFeatures.VERSION_1)) == 0) {
            return "the driver did not accept VIRTIO_F_VERSION_1 (bit 32), which a version 2 virtio-mmio device needs";
        }
        return null;
    }

    private static String bitList(long bits) {
        StringBuilder s = new StringBuilder("bit");
        String sep = bits == Long.lowestOneBit(bits) ? " " : "s ";
        for (int bit = 0; bit < 64; bit++) {
            if ((bits & (1L << bit)) != 0) {
                s.append(sep).append(bit);
                sep = ", ";
            }
        }
        return s.toString();
    }

    private void goLive() {
        if (queue != null || !queueReady || (status & DRIVER_OK) == 0 || (status & (DEVICE_NEEDS_RESET | FAILED)) != 0) {
            return;
        }
        // The device area is the device's: start it from the reset state, used.idx 0.
        SysMem ring = guest.withOrder(ByteOrder.LITTLE_ENDIAN);
        ring.write16(layout.usedFlags(), 0);
        ring.write16(layout.usedIdx(), 0);
        queue = VirtqueueDevice.resume(name + ".queue0", guest, layout, features, function, this::usedBuffer, 0,
                (address, length) -> address < GUEST_MEMORY_START
                        ? "it overlaps the virtio-mmio register page [0x0, 0x" + Long.toHexString(GUEST_MEMORY_START) + ")"
                        : null);
    }

    private void stopQueue() {
        VirtqueueDevice q = queue;
        if (q != null) {
            chainsBefore += q.chainsServed();
            queue = null;
        }
    }

    private void reset() {
        stopQueue();
        resets++;
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        driverFeaturesBeyond64 = false;
        features = VirtioFeatures.NONE;
        queueSel = 0;
        queueNum = 0;
        java.util.Arrays.fill(queueAddress, 0);
        queueReady = false;
        layout = null;
        for (int offset : new int[]{DEVICE_FEATURES_SEL, DRIVER_FEATURES, DRIVER_FEATURES_SEL, QUEUE_SEL, QUEUE_NUM,
                QUEUE_NOTIFY, INTERRUPT_ACK, QUEUE_DESC_LOW, QUEUE_DESC_HIGH, QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH,
                QUEUE_DEVICE_LOW, QUEUE_DEVICE_HIGH}) {
            regs.write32(offset, 0);
        }
        regs.write32(DEVICE_FEATURES, featureWord(offered.bits(), 0));
        regs.write32(QUEUE_NUM_MAX, queueNumMax);
        regs.write32(QUEUE_READY, 0);
        setInterruptStatus(0);
        setStatus(0);
    }

    private void needsReset(String why) {
        refuse(why);
        stopQueue();
        boolean driverOk = (status & DRIVER_OK) != 0;
        setStatus(status | DEVICE_NEEDS_RESET);
        if (driverOk) {
            setInterruptStatus(interruptStatus | INTERRUPT_CONFIG_CHANGE);
        }
    }

    private void usedBuffer() {
        interrupts++;
        setInterruptStatus(interruptStatus | INTERRUPT_USED_BUFFER);
    }

    private void setInterruptStatus(int value) {
        interruptStatus = value;
        regs.write32(INTERRUPT_STATUS, value);
        if (value != 0) {
            interrupt.raise();
        } else {
            interrupt.lower();
        }
    }

    private void setStatus(int value) {
        status = value;
        regs.write32(STATUS, value);
    }

    private void refuse(String why) {
        refusalCount++;
        synchronized (refusals) {
            if (refusals.size() < REFUSALS_KEPT) {
                refusals.add("device '" + name + "': " + why);
            }
        }
    }

    private int readOnlyValue(int offset) {
        return switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION_REGISTER -> VERSION;
            case DEVICE_ID -> deviceId;
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> featureWord(offered.bits(), deviceFeaturesSel);
            case QUEUE_NUM_MAX -> queueSel == 0 ? queueNumMax : 0;
            case INTERRUPT_STATUS -> interruptStatus;
            case BUS_DONE_COUNT -> done;
            default -> 0;   // ConfigGeneration: the configuration never changes
        };
    }

    private static int featureWord(long bits, int sel) {
        return switch (sel) {
            case 0 -> (int) bits;
            case 1 -> (int) (bits >>> 32);
            default -> 0;
        };
    }

    private int configWord(int at) {
        int word = 0;
        for (int i = 0; i < 4; i++) {
            int b = at + i < config.length ? config[at + i] & 0xff : 0;
            word |= b << (8 * i);
        }
        return word;
    }

    /** Writes the reset register block; MagicValue last, so a driver that sees it sees the rest. */
    private void publishRegisters() {
        regs.write32(MAGIC_VALUE, 0);
        for (int offset = VERSION_REGISTER; offset < REGISTERS_SIZE; offset += 4) {
            if (offset != BUS_WRITE_COUNT && offset != BUS_WRITE_OFFSET) {
                regs.write32(offset, offset >= CONFIG ? configWord(offset - CONFIG) : 0);
            }
        }
        regs.write32(VERSION_REGISTER, VERSION);
        regs.write32(DEVICE_ID, deviceId);
        regs.write32(VENDOR_ID, VENDOR);
        regs.write32(DEVICE_FEATURES, featureWord(offered.bits(), 0));
        regs.write32(QUEUE_NUM_MAX, queueNumMax);
        done = regs.read32(BUS_WRITE_COUNT);
        regs.write32(BUS_DONE_COUNT, done);
        regs.write32(MAGIC_VALUE, MAGIC);
    }

    @Override
    public String toString() {
        return "VirtioMmioDevice[" + name + ", DeviceID " + deviceId + ", Status 0x" + Integer.toHexString(status)
                + ", " + function + "]";
    }
}
