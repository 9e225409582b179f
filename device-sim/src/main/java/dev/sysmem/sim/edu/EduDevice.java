package dev.sysmem.sim.edu;

import dev.sysmem.io.Width;
import dev.sysmem.io.spi.Scheduling;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.DmaFault;
import dev.sysmem.sim.DmaWindow;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.GuestMemory;
import dev.sysmem.sim.InterruptLine;
import dev.sysmem.sim.Mmio;
import dev.sysmem.sim.UndecodedAccess;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import static dev.sysmem.sim.edu.EduLayout.*;

/**
 * QEMU's {@code edu} educational PCI device, modelled from its public specification (QEMU
 * {@code docs/specs/edu.rst}) and the behaviour of {@code hw/misc/edu.c} as observed on QEMU 7.2:
 * an identification register, a liveness check, a factorial computed on the device thread, an
 * interrupt with raise/acknowledge registers, and DMA between guest memory and a 4 KiB device
 * buffer. The register map is in {@link EduLayout}.
 *
 * <p><b>Behaviour kept from QEMU</b> (each is a test in {@code EduDeviceTest}):
 * <ul>
 *   <li>ID reads {@code 0x010000ed}; LIVENESS stores the inverse of what is written.</li>
 *   <li>A write to FACTORIAL while STATUS.COMPUTING is set is ignored; otherwise it stores the
 *       value, sets COMPUTING and the device thread computes the factorial as a 32-bit product
 *       (wrapping mod 2<sup>32</sup>; 0! = 1), stores it, clears COMPUTING and, if STATUS bit 0x80
 *       is set, raises interrupt cause 0x1. A STATUS write only sets or clears 0x80.</li>
 *   <li>IRQ_RAISE ORs causes into IRQ_STATUS and raises the line when any cause is set; IRQ_ACK
 *       clears causes and lowers the line when none is left.</li>
 *   <li>DMA registers decode only at 0x80/0x88/0x90/0x98, at 32 or 64 bits; a 32-bit write sets
 *       the whole register to the zero-extended value; writes to any of them are ignored while
 *       DMA_COMMAND bit 0 is set, and a DMA_COMMAND write without bit 0 is ignored entirely. When
 *       the transfer is done, bit 0 is cleared (other bits stay) and, if bit 2 is set, cause
 *       0x100 is raised. The guest-side address is ANDed with the DMA mask (28 bits by default).
 *       The device-side range must lie in {@code [0x40000, 0x41000)}.</li>
 *   <li>Accesses: 32-bit below 0x80, 32- or 64-bit from 0x80. A valid-width access where no
 *       register decodes (0x10, 0x84, a 64-bit read at 0x00, reads of IRQ_RAISE/IRQ_ACK) reads
 *       all-ones and a write is ignored; 8- and 16-bit accesses (refused by QEMU's memory core
 *       before the device sees them) read 0 and writes are ignored.</li>
 * </ul>
 *
 * <p><b>Deviations, on purpose.</b>
 * <ul>
 *   <li>DMA timing: QEMU completes a transfer 100 ms of virtual time after it starts; here after
 *       {@link Builder#dmaDelay} (default 0), so tests stay fast. The factorial takes
 *       {@link Builder#factorialDelay} (default 0) before it completes, to make the computing
 *       window observable.</li>
 *   <li>An out-of-range DMA (device-side range outside the buffer, a count of 0, which QEMU's
 *       range check also refuses, or a guest range outside
 *       {@link GuestMemory}) is a {@link DmaFault} thrown on the device thread: the device stops
 *       and the {@link dev.sysmem.sim.DeviceRunner} reports the fault to the test, naming the
 *       device, address, length and allowed range. QEMU 7.2 aborts the whole emulator instead
 *       ({@code hw_error}); newer QEMU only logs.</li>
 *   <li>Only INTx is modelled, not MSI: {@link #interrupt()} is asserted while IRQ_STATUS is
 *       non-zero, and every raise (factorial done, DMA done, IRQ_RAISE write) counts as one
 *       {@link InterruptLine#raise()}.</li>
 *   <li>Misaligned accesses and accesses beyond the 1 MiB BAR throw, as every {@code Io} does.</li>
 * </ul>
 *
 * <p><b>Concurrency.</b> All register accesses, and the device thread's completion of a
 * factorial or a transfer, hold the region's lock ({@link Mmio#lock()}), as QEMU's handlers hold
 * its big lock; interrupt handlers may therefore run on the device thread while it holds the lock,
 * and may access the registers (the lock is reentrant).
 *
 * <pre>{@code
 * try (SharedMemory ram = SharedMemory.anonymous(1 << 16)) {
 *     EduDevice edu = EduDevice.builder(new GuestMemory(ram.io("ram"), 0)).build();
 *     Io bar0 = edu.mmio();
 *     try (DeviceRunner runner = new DeviceRunner().start(edu)) {
 *         bar0.write32(0x08, 10);                                    // start 10!
 *         Poll.readPollTimeout(() -> bar0.read32(0x20), s -> (s & 1) == 0,
 *                 Duration.ofNanos(10_000), Duration.ofSeconds(1));
 *         int result = bar0.read32(0x08);                            // 3628800
 *     }
 * }
 * }</pre>
 */
public final class EduDevice implements Device {

    /** How long an idle device thread sleeps before it looks again without being rung. */
    public static final Duration IDLE_RECHECK = Duration.ofSeconds(1);

    private static final UndecodedAccess QEMU_UNDECODED = new UndecodedAccess() {
        @Override
        public long read(Mmio region, Width width, long offset) {
            // Narrow accesses never reach edu's handler (valid.min_access_size = 4) and read 0;
            // the handler answers other undecoded reads with ~0.
            return width.bytes() < 4 ? 0 : -1L;
        }

        @Override
        public void write(Mmio region, Width width, long offset, long value) {
        }

        @Override
        public String toString() {
            return "edu: narrow reads 0, other undecoded reads all-ones, writes ignored";
        }
    };

    private final String name;
    private final Mmio mmio;
    private final InterruptLine interrupt;
    private final DmaWindow dma;
    private final long dmaDelayNanos;
    private final long factorialDelayNanos;
    private final long dmaMask;
    private final Doorbell work;
    /** The device's DMA buffer; guarded by the region's lock. */
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[DMA_BUFFER_SIZE]);
    /** When the pending factorial completes; guarded by the region's lock. */
    private long factorialDue;
    /** When the pending transfer completes; guarded by the region's lock. */
    private long dmaDue;

    private EduDevice(Builder b) {
        this.name = b.name;
        this.interrupt = new InterruptLine(name + "-intx");
        this.dma = b.guest.window(name);
        this.dmaDelayNanos = b.dmaDelay.toNanos();
        this.factorialDelayNanos = b.factorialDelay.toNanos();
        this.dmaMask = b.dmaMask;
        this.work = new Doorbell(name + "-work");
        Mmio.Builder regs = Mmio.builder(name + "-mmio", MMIO_SIZE)
                .registers(REGISTERS.toArray(dev.sysmem.io.Register[]::new))
                .onWrite(LIVENESS, w -> ~w.written())
                .onWrite(FACTORIAL, this::writeFactorial)
                .onWrite(IRQ_RAISE, w -> {
                    raiseIrq(w.written());
                    return 0;
                })
                .onWrite(IRQ_ACK, w -> {
                    ackIrq(w.written());
                    return 0;
                })
                .onRead(IRQ_RAISE, v -> -1L)
                .onRead(IRQ_ACK, v -> -1L)
                .accept(DMA_SOURCE, Width.U32).onWrite(DMA_SOURCE, this::writeDmaRegister)
                .accept(DMA_DESTINATION, Width.U32).onWrite(DMA_DESTINATION, this::writeDmaRegister)
                .accept(DMA_COUNT, Width.U32).onWrite(DMA_COUNT, this::writeDmaRegister)
                .accept(DMA_COMMAND, Width.U32).onWrite(DMA_COMMAND, this::writeDmaCommand)
                .undecoded(QEMU_UNDECODED);
        if (b.trace != null) {
            regs.trace(b.trace);
        }
        this.mmio = regs.build();
    }

    /** Starts an edu device whose DMA reaches {@code guest}. */
    public static Builder builder(GuestMemory guest) {
        return new Builder(guest);
    }

    @Override
    public String name() {
        return name;
    }

    /** BAR0: the trapped register region the driver reads and writes. */
    public Mmio mmio() {
        return mmio;
    }

    /** The device's interrupt (INTx, level): raised while IRQ_STATUS is non-zero. */
    public InterruptLine interrupt() {
        return interrupt;
    }

    // ---- register handlers: run under the region's lock ------------------------------------------

    private long writeFactorial(Mmio.RegisterWrite w) {
        long status = mmio.value(STATUS);
        if ((status & STATUS_COMPUTING) != 0) {
            return w.before();
        }
        mmio.set(STATUS, status | STATUS_COMPUTING);
        factorialDue = Scheduling.nanoTime() + factorialDelayNanos;
        work.ring();
        return w.written();
    }

    private boolean dmaRunning() {
        return (mmio.value(DMA_COMMAND) & DMA_START) != 0;
    }

    private long writeDmaRegister(Mmio.RegisterWrite w) {
        return dmaRunning() ? w.before() : w.written();
    }

    private long writeDmaCommand(Mmio.RegisterWrite w) {
        if (dmaRunning() || (w.written() & DMA_START) == 0) {
            return w.before();
        }
        dmaDue = Scheduling.nanoTime() + dmaDelayNanos;
        work.ring();
        return w.written();
    }

    private void raiseIrq(long causes) {
        long status = mmio.update(IRQ_STATUS, s -> s | causes);
        if (status != 0) {
            interrupt.raise();
        }
    }

    private void ackIrq(long causes) {
        long status = mmio.update(IRQ_STATUS, s -> s & ~causes);
        if (status == 0) {
            interrupt.lower();
        }
    }

    // ---- the device thread ---------------------------------------------------------------------

    @Override
    public void run(DeviceContext context) throws InterruptedException {
        long idle = IDLE_RECHECK.toNanos();
        while (!context.isStopping()) {
            long seen = work.count();
            long wait = step(idle);
            if (wait > 0) {
                context.awaitRing(work, seen, Duration.ofNanos(wait));
            }
        }
    }

    /** Completes whatever is due; returns 0 if it did something, else how long to wait for the next due time. */
    private long step(long idle) {
        ReentrantLock lock = mmio.lock();
        Scheduling.lock(lock);
        try {
            long now = Scheduling.nanoTime();
            long wait = idle;
            if ((mmio.value(STATUS) & STATUS_COMPUTING) != 0) {
                if (now - factorialDue >= 0) {
                    completeFactorial();
                    return 0;
                }
                wait = Math.min(wait, factorialDue - now);
            }
            if (dmaRunning()) {
                if (now - dmaDue >= 0) {
                    completeDma();
                    return 0;
                }
                wait = Math.min(wait, dmaDue - now);
            }
            return wait;
        } finally {
            lock.unlock();
        }
    }

    private void completeFactorial() {
        mmio.set(FACTORIAL, Integer.toUnsignedLong(factorial((int) mmio.value(FACTORIAL))));
        long status = mmio.update(STATUS, s -> s & ~STATUS_COMPUTING);
        if ((status & STATUS_IRQ_ON_FACTORIAL) != 0) {
            raiseIrq(IRQ_FACTORIAL);
        }
    }

    /**
     * n! as a product of unsigned 32-bit numbers, wrapping. Once the product is 0 it stays 0, and
     * it is 0 after at most 64 factors (they contribute 32 factors of two), so this ends quickly
     * for every n, as QEMU's loop does more slowly.
     */
    static int factorial(int n) {
        int product = 1;
        for (long k = Integer.toUnsignedLong(n); k > 0 && product != 0; k--) {
            product *= (int) k;
        }
        return product;
    }

    private void completeDma() {
        long command = mmio.value(DMA_COMMAND);
        long count = mmio.value(DMA_COUNT);
        if ((command & DMA_TO_RAM) == 0) {
            long guest = mmio.value(DMA_SOURCE) & dmaMask;
            MemorySegment into = buffer.asSlice(bufferOffset(mmio.value(DMA_DESTINATION), count, "write"), count);
            dma.read(guest, into);
        } else {
            long guest = mmio.value(DMA_DESTINATION) & dmaMask;
            MemorySegment from = buffer.asSlice(bufferOffset(mmio.value(DMA_SOURCE), count, "read"), count);
            dma.write(guest, from);
        }
        mmio.set(DMA_COMMAND, command & ~DMA_START);
        if ((command & DMA_IRQ) != 0) {
            raiseIrq(IRQ_DMA);
        }
    }

    private long bufferOffset(long address, long count, String what) {
        if (count == 0) {
            // edu.c's edu_check_range wants the range's end past its start: an empty range fails it.
            throw new DmaFault(name, what, address, count, "a count of 0 is not a range; edu's range check needs "
                    + "the end past the start");
        }
        long end = DMA_BUFFER_ADDRESS + DMA_BUFFER_SIZE;
        if (address < DMA_BUFFER_ADDRESS || address >= end || Long.compareUnsigned(count, end - address) > 0) {
            throw new DmaFault(name, what, address, count, "the device's DMA buffer", DMA_BUFFER_ADDRESS, end);
        }
        return address - DMA_BUFFER_ADDRESS;
    }

    @Override
    public String toString() {
        return "EduDevice[" + name + "]";
    }

    /** Options of an {@link EduDevice}. */
    public static final class Builder {
        private final GuestMemory guest;
        private String name = "edu";
        private Duration dmaDelay = Duration.ZERO;
        private Duration factorialDelay = Duration.ZERO;
        private long dmaMask = DEFAULT_DMA_MASK;
        private AccessTrace trace;

        private Builder(GuestMemory guest) {
            this.guest = Objects.requireNonNull(guest, "guest");
        }

        /** The device's name (default {@code edu}); its thread is {@code device-<name>}. */
        public Builder name(String deviceName) {
            this.name = Objects.requireNonNull(deviceName, "name");
            return this;
        }

        /** How long a transfer takes from start to completion (default 0; QEMU: 100 ms virtual time). */
        public Builder dmaDelay(Duration delay) {
            this.dmaDelay = nonNegative(delay, "DMA delay");
            return this;
        }

        /** How long a factorial takes from the write to completion (default 0). */
        public Builder factorialDelay(Duration delay) {
            this.factorialDelay = nonNegative(delay, "factorial delay");
            return this;
        }

        /** The mask applied to guest-side DMA addresses (QEMU property {@code dma_mask}; default 28 bits). */
        public Builder dmaMask(long mask) {
            this.dmaMask = mask;
            return this;
        }

        /** Records every register access into {@code accessTrace}. */
        public Builder trace(AccessTrace accessTrace) {
            this.trace = Objects.requireNonNull(accessTrace, "trace");
            return this;
        }

        /** The device. */
        public EduDevice build() {
            return new EduDevice(this);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(what + " must be between 0 and a day, was " + d);
            }
            return d;
        }
    }
}
