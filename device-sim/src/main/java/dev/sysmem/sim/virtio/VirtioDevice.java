package dev.sysmem.sim.virtio;

import dev.sysmem.io.Field;
import dev.sysmem.io.FieldAccess;
import dev.sysmem.io.Register;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.Scheduling;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.InterruptLine;
import dev.sysmem.sim.Mmio;
import dev.sysmem.sim.UndecodedAccess;

import java.time.Duration;
import java.util.Objects;

/**
 * A VIRTIO device with one split virtqueue, run on its own thread ({@code device-<name>}) by a
 * {@link dev.sysmem.sim.DeviceRunner}: the driver kicks it by writing the queue index to the
 * {@code QueueNotify} register, which rings the device's {@link Doorbell}; the device serves the
 * available chains with its {@link ChainHandler} (a {@link RamDisk}, an {@link Echo}, ...) and
 * signals used buffers by setting bit 0 of {@code InterruptStatus} and raising its
 * {@link InterruptLine}, which stays raised until the driver writes the bit to
 * {@code InterruptACK}.
 *
 * <p>The registers follow the register layout of VIRTIO 1.x's virtio-mmio transport
 * ("MMIO Device Register Layout", oasis-tcs/virtio-spec {@code transport-mmio.tex}), reduced to
 * what a running queue needs: {@code MagicValue} (0x000, "virt"), {@code Version} (0x004, 2),
 * {@code DeviceID} (0x008), {@code QueueNotify} (0x050), {@code InterruptStatus} (0x060),
 * {@code InterruptACK} (0x064); all 32-bit, as the transport requires. Feature negotiation and
 * queue set-up happen in Java instead of through the other registers: the driver side is made with
 * {@link VirtqueueDriver#create} over the same layout and features before the device starts, as a
 * driver sets {@code QueueReady} only after initialising the rings.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>A kick is never lost: the loop reads the doorbell's count before it looks at the ring,
 *       and the queue engine's full barriers ({@link VirtqueueDevice#enableNotifications}) pair
 *       with the driver's ({@link VirtqueueDriver#kickIfNeeded}).</li>
 *   <li>{@code InterruptStatus} and the line change together under the registers' lock: the line
 *       is raised exactly while a used-buffer event is unacknowledged ("The device MUST present
 *       each event by setting the corresponding bit in InterruptStatus from the moment it takes
 *       place, until the driver acknowledges the interrupt").</li>
 *   <li>A {@link VirtqueueFault} (or any failure of the device function) ends the loop; the
 *       runner reports it, naming the device, to the code that started it.</li>
 *   <li>The loop stops promptly when the runner asks: its only wait is the runner's
 *       {@link DeviceContext#awaitRing}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.anonymous(1 << 20); DeviceRunner runner = new DeviceRunner()) {
 *     SysMem guest = shm.io("guest");
 *     VirtqueueLayout layout = VirtqueueLayout.contiguous(256, 0);
 *     RamDisk disk = RamDisk.create(2048, "disk0", false);
 *     VirtioFeatures features = VirtioFeatures.negotiate(disk.offeredFeatures(), wanted);
 *     VirtioDevice blk = new VirtioDevice("blk0", RamDisk.DEVICE_ID, guest, layout, features, disk);
 *     VirtqueueDriver driver = VirtqueueDriver.create("blk0", guest, layout, features, blk.queueNotifier());
 *     blk.interrupt().attach(line -> { ...ack, wake the driver thread... });
 *     runner.start(blk);
 *     // submit with driver.add(...) + driver.kickIfNeeded(), complete with driver.harvest(...)
 * }
 * }</pre>
 */
public final class VirtioDevice implements Device {

    /** {@code MagicValue}: "virt" in little-endian. */
    public static final int MAGIC = 0x74726976;
    /** Size of the register region. */
    public static final long REGISTERS_SIZE = 0x100;
    /** Bit 0 of {@code InterruptStatus}: the device used a buffer. */
    public static final int INTERRUPT_USED_BUFFER = 1;

    /** {@code MagicValue} (0x000, R). */
    public static final Register MAGIC_VALUE = Register.builder("MagicValue", 0x000, Width.U32).reset(MAGIC)
            .field("MAGIC", 31, 0, FieldAccess.RO).build();
    /** {@code Version} (0x004, R): 2 for a non-legacy device. */
    public static final Register VERSION = Register.builder("Version", 0x004, Width.U32).reset(2)
            .field("VERSION", 31, 0, FieldAccess.RO).build();
    /** {@code DeviceID} (0x008, R): the VIRTIO device type (2 for a block device). */
    public static final Register DEVICE_ID = Register.of("DeviceID", 0x008, Width.U32,
            Field.of("ID", 31, 0, FieldAccess.RO));
    /** {@code QueueNotify} (0x050, W): writing a queue index kicks that queue. */
    public static final Register QUEUE_NOTIFY = Register.of("QueueNotify", 0x050, Width.U32,
            Field.of("QUEUE", 31, 0, FieldAccess.WO));
    /** {@code InterruptStatus} (0x060, R): bit 0 used buffer, bit 1 configuration change. */
    public static final Register INTERRUPT_STATUS = Register.of("InterruptStatus", 0x060, Width.U32,
            Field.bit("USED_BUFFER", 0, FieldAccess.RO), Field.bit("CONFIG_CHANGE", 1, FieldAccess.RO));
    /** {@code InterruptACK} (0x064, W): bits written acknowledge those events. */
    public static final Register INTERRUPT_ACK = Register.of("InterruptACK", 0x064, Width.U32,
            Field.of("ACK", 31, 0, FieldAccess.WO));

    private static final Duration IDLE_WAIT = Duration.ofMillis(100);

    private final String name;
    private final SysMem guest;
    private final VirtqueueLayout layout;
    private final VirtioFeatures features;
    private final ChainHandler function;
    private final Doorbell doorbell;
    private final InterruptLine interrupt;
    private final Mmio registers;
    private volatile VirtqueueDevice queue;
    private volatile long ignoredNotifies;

    /**
     * A device named {@code name} serving queue 0 at {@code layout} in {@code guest}.
     *
     * @param deviceId the VIRTIO device type {@code DeviceID} reports ({@link RamDisk#DEVICE_ID} for a disk)
     * @param features the negotiated features
     * @param function what the device does with each chain
     * @throws IllegalArgumentException if the layout does not fit in guest memory
     */
    public VirtioDevice(String name, int deviceId, SysMem guest, VirtqueueLayout layout, VirtioFeatures features,
                        ChainHandler function) {
        this.name = Objects.requireNonNull(name, "name");
        this.guest = Objects.requireNonNull(guest, "guest");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.features = Objects.requireNonNull(features, "features");
        this.function = Objects.requireNonNull(function, "function");
        VirtqueueDriver.checkFits(name, guest, layout);
        this.doorbell = new Doorbell(name + ".QueueNotify");
        this.interrupt = new InterruptLine(name + ".irq");
        this.registers = Mmio.builder(name + ".regs", REGISTERS_SIZE)
                .widths(Width.U32)
                .registers(MAGIC_VALUE, VERSION, DEVICE_ID, QUEUE_NOTIFY, INTERRUPT_STATUS, INTERRUPT_ACK)
                .onRead(DEVICE_ID, v -> Integer.toUnsignedLong(deviceId))
                .onWrite(QUEUE_NOTIFY, w -> {
                    if (w.written() == 0) {
                        doorbell.ring();
                    } else {
                        ignoredNotifies++;
                    }
                    return 0;
                })
                .onWrite(INTERRUPT_ACK, this::acknowledge)
                .undecoded(UndecodedAccess.readsAs(0))
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    /** The device's registers, for the driver. */
    public Mmio registers() {
        return registers;
    }

    /** The doorbell {@code QueueNotify} rings. */
    public Doorbell doorbell() {
        return doorbell;
    }

    /** The device's interrupt line, raised while {@code InterruptStatus} is not zero. */
    public InterruptLine interrupt() {
        return interrupt;
    }

    /**
     * The driver's available-buffer notification for this device: a 32-bit write of queue index
     * 0 to {@code QueueNotify}. Pass it to {@link VirtqueueDriver#create}.
     */
    public Runnable queueNotifier() {
        return () -> registers.write32(QUEUE_NOTIFY.offset(), 0);
    }

    /**
     * The queue engine, once the device has started: its counters ({@code chainsServed},
     * {@code interruptsSent}) are final once the runner has stopped the device.
     *
     * @throws IllegalStateException before the device started
     */
    public VirtqueueDevice queue() {
        VirtqueueDevice q = queue;
        if (q == null) {
            throw new IllegalStateException("device '" + name + "' has not started yet: its queue is attached when it runs");
        }
        return q;
    }

    /** {@code QueueNotify} writes naming a queue this device does not have (it has only queue 0). */
    public long ignoredNotifies() {
        return ignoredNotifies;
    }

    @Override
    public void run(DeviceContext context) throws InterruptedException {
        VirtqueueDevice q = VirtqueueDevice.attach(name, guest, layout, features, function, this::signalUsedBuffer);
        queue = q;
        while (!context.isStopping()) {
            long seen = doorbell.count();
            q.disableNotifications();
            int served;
            do {
                served = q.processAvailable();
            } while (served > 0 && !context.isStopping());
            if (q.enableNotifications()) {
                context.awaitRing(doorbell, seen, IDLE_WAIT);
            }
        }
    }

    private void signalUsedBuffer() {
        Scheduling.lock(registers.lock());
        try {
            registers.update(INTERRUPT_STATUS, v -> v | INTERRUPT_USED_BUFFER);
            interrupt.raise();
        } finally {
            registers.lock().unlock();
        }
    }

    private long acknowledge(Mmio.RegisterWrite write) {
        long status = registers.update(INTERRUPT_STATUS, v -> v & ~write.written());
        if (status == 0) {
            interrupt.lower();
        }
        return 0;
    }

    @Override
    public String toString() {
        return "VirtioDevice[" + name + ", " + layout + ", " + features + ", " + function + "]";
    }
}
