package dev.sysmem.sim.mmiodriver;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;

import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * A virtio-blk driver written from the VIRTIO 1.x text alone: the virtio-mmio register offsets of
 * 4.2.2, the initialisation sequence of 3.1.1 and 4.2.3, the split-ring layout of 2.7 and the
 * block request of 5.2.6, each spelled out here with its own constants. It imports nothing from
 * the device simulator (only the core's {@link SysMem} to load and store little-endian words), so
 * a test that passes with it shows the device follows the spec, not that two halves of one code
 * base agree. The only thing it knows beyond the spec is the documented bus cycle over shared
 * memory (three words in 4.2.2's reserved space, 0x0f0-0x0f8).
 *
 * <p>Single-threaded; every wait has a deadline and ends with an exception naming the register
 * and what it held.
 */
public final class SpecBlkDriver {

    // 4.2.2 MMIO Device Register Layout
    public static final int MAGIC_VALUE = 0x000;
    public static final int VERSION = 0x004;
    public static final int DEVICE_ID = 0x008;
    public static final int DEVICE_FEATURES = 0x010;
    public static final int DEVICE_FEATURES_SEL = 0x014;
    public static final int DRIVER_FEATURES = 0x020;
    public static final int DRIVER_FEATURES_SEL = 0x024;
    public static final int QUEUE_SEL = 0x030;
    public static final int QUEUE_NUM_MAX = 0x034;
    public static final int QUEUE_NUM = 0x038;
    public static final int QUEUE_READY = 0x044;
    public static final int QUEUE_NOTIFY = 0x050;
    public static final int INTERRUPT_STATUS = 0x060;
    public static final int INTERRUPT_ACK = 0x064;
    public static final int STATUS = 0x070;
    public static final int QUEUE_DESC_LOW = 0x080;
    public static final int QUEUE_DESC_HIGH = 0x084;
    public static final int QUEUE_DRIVER_LOW = 0x090;
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    public static final int CONFIG_GENERATION = 0x0fc;
    public static final int CONFIG = 0x100;
    // The bus cycle over shared memory (reserved words of 4.2.2, documented by the transport).
    public static final int BUS_WRITE_OFFSET = 0x0f0;
    public static final int BUS_WRITE_COUNT = 0x0f4;
    public static final int BUS_DONE_COUNT = 0x0f8;

    // 2.1 Device Status Field
    public static final int S_ACKNOWLEDGE = 1;
    public static final int S_DRIVER = 2;
    public static final int S_DRIVER_OK = 4;
    public static final int S_FEATURES_OK = 8;
    public static final int S_NEEDS_RESET = 64;

    // 6 Reserved Feature Bits; 5.2.3 block feature bits
    public static final int F_EVENT_IDX = 29;
    public static final int F_VERSION_1 = 32;

    // 2.7.5 descriptor flags, 2.7.6/2.7.8 ring flags
    public static final int DESC_F_NEXT = 1;
    public static final int DESC_F_WRITE = 2;
    public static final int USED_F_NO_NOTIFY = 1;

    // 5.2.6 request types and status
    public static final int BLK_T_IN = 0;
    public static final int BLK_T_OUT = 1;

    /** Which step of initialisation to get wrong, to show the device refuses it. */
    public enum Mistake {
        NONE,
        /** Sets DRIVER_OK straight after DRIVER. */
        SKIP_FEATURES_OK,
        /** Sets FEATURES_OK before DRIVER. */
        FEATURES_OK_BEFORE_DRIVER,
        /** Sets QueueReady before FEATURES_OK. */
        QUEUE_BEFORE_FEATURES_OK
    }

    /** The device refused a step; the message names the register, its offset and what it held. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final SysMem regs;
    private final SysMem mem;
    private final Duration timeout;
    private int busWrites;

    private long acceptedFeatures;
    private boolean eventIdx;
    private int qs;
    private long desc;
    private long avail;
    private long used;
    private int availIdx;
    private int lastUsed;
    private long kicks;
    private long interrupts;

    /**
     * A driver for the device whose registers are at offset 0 of {@code region}; everything else it
     * places (rings, requests) is at offsets into the same region.
     */
    public SpecBlkDriver(SysMem region, Duration timeout) {
        this.regs = region.withMode(AccessMode.ACQUIRE_RELEASE).withOrder(ByteOrder.LITTLE_ENDIAN);
        this.mem = regs;
        this.timeout = timeout;
    }

    // ---- register access: one bus cycle per write, reads after every write was taken ----

    int read(int offset) {
        awaitBus(offset);
        return regs.read32(offset);
    }

    void write(int offset, int value) {
        awaitBus(offset);
        regs.write32(offset, value);
        regs.write32(BUS_WRITE_OFFSET, offset);
        busWrites++;
        regs.write32(BUS_WRITE_COUNT, busWrites);
    }

    private void awaitBus(int offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int spins = 0; regs.read32(BUS_DONE_COUNT) != busWrites; spins++) {
            if (System.nanoTime() > deadline) {
                throw new Refused(String.format("BusDoneCount (0x0f8) is %d, not %d, %d ms after the driver's last "
                                + "write (before accessing 0x%03x): the device did not take the write",
                        regs.read32(BUS_DONE_COUNT), busWrites, timeout.toMillis(), offset));
            }
            if (spins > 1000) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    // ---- 3.1.1 / 4.2.3.1 initialisation ----

    /** Checks MagicValue, Version, DeviceID (2: block) and takes over the bus count the device shows. */
    public void probe() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (regs.read32(MAGIC_VALUE) != 0x74726976) {
            if (System.nanoTime() > deadline) {
                throw new Refused(String.format("MagicValue (0x000) is 0x%08x, not 0x74726976 ('virt')",
                        regs.read32(MAGIC_VALUE)));
            }
            Thread.onSpinWait();
        }
        busWrites = regs.read32(BUS_WRITE_COUNT);
        expect(VERSION, "Version", 2);
        expect(DEVICE_ID, "DeviceID", 2);
    }

    private void expect(int offset, String name, int value) {
        int v = read(offset);
        if (v != value) {
            throw new Refused(String.format("%s (0x%03x) is 0x%x, expected 0x%x", name, offset, v, value));
        }
    }

    /**
     * Resets the device, negotiates features (VERSION_1, and EVENT_IDX if {@code wantEventIdx}
     * and offered; plus {@code extraFeatures}, which a correct driver leaves 0), and sets up queue 0
     * of {@code queueSize} entries with its three parts from {@code ringBase}.
     *
     * @throws Refused naming the register if the device refuses a step
     */
    public void initialise(boolean wantEventIdx, long extraFeatures, int queueSize, long ringBase, Mistake mistake) {
        reset();
        setStatus(S_ACKNOWLEDGE);
        if (mistake == Mistake.FEATURES_OK_BEFORE_DRIVER) {
            setStatus(S_ACKNOWLEDGE | S_FEATURES_OK);
            throw refusedIfNeedsReset("FEATURES_OK before DRIVER");
        }
        setStatus(S_ACKNOWLEDGE | S_DRIVER);
        write(DEVICE_FEATURES_SEL, 1);
        long offered = Integer.toUnsignedLong(read(DEVICE_FEATURES)) << 32;
        write(DEVICE_FEATURES_SEL, 0);
        offered |= Integer.toUnsignedLong(read(DEVICE_FEATURES));
        if ((offered & (1L << F_VERSION_1)) == 0) {
            throw new Refused(String.format("DeviceFeatures (0x010) = 0x%x lacks VIRTIO_F_VERSION_1", offered));
        }
        long accept = (1L << F_VERSION_1) | extraFeatures;
        if (wantEventIdx && (offered & (1L << F_EVENT_IDX)) != 0) {
            accept |= 1L << F_EVENT_IDX;
        }
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (accept >>> 32));
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) accept);
        if (mistake == Mistake.SKIP_FEATURES_OK) {
            setStatus(S_ACKNOWLEDGE | S_DRIVER | S_DRIVER_OK);
            throw refusedIfNeedsReset("DRIVER_OK without FEATURES_OK");
        }
        if (mistake == Mistake.QUEUE_BEFORE_FEATURES_OK) {
            setUpQueue(queueSize, ringBase);
            throw refusedIfNeedsReset("QueueReady before FEATURES_OK");
        }
        setStatus(S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
        int status = read(STATUS);
        if ((status & S_FEATURES_OK) == 0) {
            throw new Refused(String.format("Status (0x070) reads 0x%02x after FEATURES_OK was written: the device "
                    + "refused the features 0x%x", status, accept));
        }
        acceptedFeatures = accept;
        eventIdx = (accept & (1L << F_EVENT_IDX)) != 0;
        setUpQueue(queueSize, ringBase);
        setStatus(S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
        status = read(STATUS);
        if ((status & S_NEEDS_RESET) != 0) {
            throw new Refused(String.format("Status (0x070) reads 0x%02x after DRIVER_OK: DEVICE_NEEDS_RESET", status));
        }
    }

    private Refused refusedIfNeedsReset(String what) {
        int status = read(STATUS);
        if ((status & S_NEEDS_RESET) != 0) {
            return new Refused(String.format("Status (0x070) reads 0x%02x after %s: DEVICE_NEEDS_RESET", status, what));
        }
        throw new AssertionError(String.format("Status (0x070) reads 0x%02x after %s: the device took it", status, what));
    }

    private void setUpQueue(int queueSize, long ringBase) {
        write(QUEUE_SEL, 0);
        if (read(QUEUE_READY) != 0) {
            throw new Refused("QueueReady (0x044) of queue 0 is not 0 before set-up");
        }
        int max = read(QUEUE_NUM_MAX);
        if (max == 0 || queueSize > max) {
            throw new Refused(String.format("QueueNumMax (0x034) is %d: queue size %d does not fit", max, queueSize));
        }
        qs = queueSize;
        // 2.7 Split Virtqueues: alignments 16, 2, 4; sizes 16*QS, 6+2*QS, 6+8*QS.
        desc = align(ringBase, 16);
        avail = desc + 16L * qs;
        used = align(avail + 6 + 2L * qs, 4);
        for (long a = desc; a < used + 6 + 8L * qs; a += 2) {
            mem.write16(a, (short) 0);
        }
        availIdx = 0;
        lastUsed = 0;
        write(QUEUE_NUM, qs);
        writeAddress(QUEUE_DESC_LOW, QUEUE_DESC_HIGH, desc);
        writeAddress(QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, avail);
        writeAddress(QUEUE_DEVICE_LOW, QUEUE_DEVICE_HIGH, used);
        write(QUEUE_READY, 1);
        if (read(QUEUE_READY) != 1) {
            int status = read(STATUS);
            throw new Refused(String.format("QueueReady (0x044) reads 0 after writing 1 (desc 0x%x, driver 0x%x, "
                    + "device 0x%x, QueueNum %d); Status (0x070) = 0x%02x", desc, avail, used, qs, status));
        }
    }

    /** Writes raw queue addresses, for tests that hand the device wrong ones. */
    public void setUpQueueAt(int queueSize, long descAddr, long driverAddr, long deviceAddr) {
        write(QUEUE_SEL, 0);
        write(QUEUE_NUM, queueSize);
        writeAddress(QUEUE_DESC_LOW, QUEUE_DESC_HIGH, descAddr);
        writeAddress(QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, driverAddr);
        writeAddress(QUEUE_DEVICE_LOW, QUEUE_DEVICE_HIGH, deviceAddr);
        write(QUEUE_READY, 1);
    }

    /** Negotiates VERSION_1 only and stops before the queue: for tests that set the queue up themselves. */
    public void negotiateOnly() {
        reset();
        setStatus(S_ACKNOWLEDGE);
        setStatus(S_ACKNOWLEDGE | S_DRIVER);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, 1);
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, 0);
        setStatus(S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
    }

    private void writeAddress(int low, int high, long address) {
        write(low, (int) address);
        write(high, (int) (address >>> 32));
    }

    private static long align(long value, long to) {
        return (value + to - 1) & -to;
    }

    /** Writes 0 to Status and waits for it to read 0 (4.2.3.1.1 / 2.1.2). */
    public void reset() {
        write(STATUS, 0);
        if (read(STATUS) != 0) {
            throw new Refused(String.format("Status (0x070) reads 0x%02x after the reset write of 0", read(STATUS)));
        }
    }

    public void setStatus(int status) {
        write(STATUS, status);
    }

    public int status() {
        return read(STATUS);
    }

    public int interruptStatus() {
        return read(INTERRUPT_STATUS);
    }

    public int queueReady() {
        write(QUEUE_SEL, 0);
        return read(QUEUE_READY);
    }

    /** The configuration's {@code capacity} (5.2.4), read as two words inside a ConfigGeneration check (4.2.3.2). */
    public long capacity() {
        while (true) {
            int before = read(CONFIG_GENERATION);
            long low = Integer.toUnsignedLong(read(CONFIG));
            long high = Integer.toUnsignedLong(read(CONFIG + 4));
            if (read(CONFIG_GENERATION) == before) {
                return high << 32 | low;
            }
        }
    }

    public long acceptedFeatures() {
        return acceptedFeatures;
    }

    public long kicks() {
        return kicks;
    }

    public long interrupts() {
        return interrupts;
    }

    // ---- 5.2.6 requests over the split ring (2.7.13 supplying buffers, 2.7.14 receiving them) ----

    /**
     * One request, synchronously: header at {@code at} (16 bytes), data at {@code at + 512}
     * ({@code sectors} sectors), status byte at {@code at + 16}. For a write the data must already
     * be in place. Returns the status byte; checks used.id and used.len.
     */
    public int request(int type, long sector, long at, int sectors) {
        int bytes = sectors * 512;
        mem.write32(at, type);
        mem.write32(at + 4, 0);
        mem.write64(at + 8, sector);
        mem.write8(at + 16, (byte) 0x7f);
        boolean in = type == BLK_T_IN;
        // Three descriptors from 0: header (device-readable), data, status (device-writable).
        descriptor(0, at, 16, DESC_F_NEXT, 1);
        descriptor(1, at + 512, bytes, DESC_F_NEXT | (in ? DESC_F_WRITE : 0), 2);
        descriptor(2, at + 16, 1, DESC_F_WRITE, 0);
        int old = availIdx;
        if (eventIdx) {
            mem.write16(avail + 4 + 2L * qs, (short) lastUsed);   // used_event: interrupt for this one
        }
        mem.write16(avail + 4 + 2L * (availIdx % qs), (short) 0);
        availIdx = (availIdx + 1) & 0xffff;
        mem.write16(avail + 2, (short) availIdx);     // a release store: the ring entry is seen first
        VarHandle.fullFence();                          // publish avail.idx before reading the event/flags
        boolean notify;
        if (eventIdx) {
            int availEvent = mem.read16(used + 4 + 8L * qs) & 0xffff;
            notify = ((availIdx - availEvent - 1) & 0xffff) < ((availIdx - old) & 0xffff);
        } else {
            notify = (mem.read16(used) & USED_F_NO_NOTIFY) == 0;
        }
        if (notify) {
            kicks++;
            write(QUEUE_NOTIFY, 0);
        }
        awaitUsedInterrupt();
        int usedIdx = mem.read16(used + 2) & 0xffff;    // an acquire load: the element and data after it
        if (usedIdx != ((lastUsed + 1) & 0xffff)) {
            throw new Refused(String.format("used.idx at 0x%x is %d, expected %d", used + 2, usedIdx, lastUsed + 1));
        }
        long element = used + 4 + 8L * (lastUsed % qs);
        int id = mem.read32(element);
        long len = Integer.toUnsignedLong(mem.read32(element + 4));
        lastUsed = usedIdx;
        long expectedLen = in ? bytes + 1L : 1L;
        int status = mem.read8(at + 16) & 0xff;
        if (id != 0 || (status == 0 && len != expectedLen)) {
            throw new Refused(String.format("used.ring[%d] at 0x%x = {id %d, len %d}, expected {id 0, len %d}",
                    (lastUsed - 1) % qs, element, id, len, expectedLen));
        }
        return status;
    }

    private void descriptor(int index, long addr, int len, int flags, int next) {
        long d = desc + 16L * index;
        mem.write64(d, addr);
        mem.write32(d + 8, len);
        mem.write16(d + 12, (short) flags);
        mem.write16(d + 14, (short) next);
    }

    /** Waits for InterruptStatus bit 0, then acknowledges what it read (4.2.3.4). */
    private void awaitUsedInterrupt() {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status;
        for (int spins = 0; ((status = read(INTERRUPT_STATUS)) & 1) == 0; spins++) {
            if ((status & 2) != 0 && (read(STATUS) & S_NEEDS_RESET) != 0) {
                write(INTERRUPT_ACK, status);
                throw new Refused(String.format("InterruptStatus (0x060) = 0x%x and Status (0x070) = 0x%02x: the "
                        + "device needs a reset", status, read(STATUS)));
            }
            if (System.nanoTime() > deadline) {
                throw new Refused(String.format("InterruptStatus (0x060) stayed 0x%x for %d ms: no used buffer",
                        status, timeout.toMillis()));
            }
            if (spins > 1000) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        interrupts++;
        write(INTERRUPT_ACK, status);
        // A real MMIO write completes before the next instruction; over the shared-memory bus the
        // device takes it later. Wait until it has: otherwise the next request's used buffer can
        // set InterruptStatus bit 0 before this acknowledgement clears it, and the interrupt is lost.
        awaitBus(INTERRUPT_ACK);
    }

    /** Writes {@code value} to any register offset, as a wrong driver would. */
    public void rawWrite(int offset, int value) {
        write(offset, value);
    }

    /** Reads any register offset. */
    public int rawRead(int offset) {
        return read(offset);
    }

    /** Writes a descriptor chain of one device-readable header whose address is {@code addr}, and kicks. */
    public void submitHeaderAt(long addr) {
        descriptor(0, addr, 16, DESC_F_NEXT, 1);
        descriptor(1, addr + 16, 1, DESC_F_WRITE, 0);
        mem.write16(avail + 4 + 2L * (availIdx % qs), (short) 0);
        availIdx = (availIdx + 1) & 0xffff;
        mem.write16(avail + 2, (short) availIdx);
        kicks++;
        write(QUEUE_NOTIFY, 0);
    }
}
