package dev.sysmem.sim.remote;

import dev.sysmem.sim.virtio.RamDisk;
import dev.sysmem.sim.virtio.VirtioMmioDevice;
import dev.sysmem.sim.virtio.VirtioMmioLayout;
import dev.sysmem.sim.virtio.VirtqueueLayout;

import java.util.Objects;

/**
 * The {@code virtio-blk} kind: a {@link RamDisk} behind the virtio-mmio register block
 * ({@link VirtioMmioDevice}, VIRTIO 1.x 4.2.2) at offset 0 of the region; the rest of the region,
 * from {@link VirtioMmioLayout#GUEST_MEMORY_START}, is the guest memory that holds the driver's
 * rings and buffers. Ready once the device's loop runs.
 *
 * <pre>{@code
 * DeviceKind kind = new VirtioBlkKind(new VirtioBlkKind.Options(2048, 256));   // 1 MiB disk, queues up to 256
 * }</pre>
 */
public final class VirtioBlkKind implements DeviceKind {

    /**
     * How a virtio-blk device is configured.
     *
     * @param sectors     the disk's capacity in 512-byte sectors (the configuration's {@code capacity})
     * @param queueNumMax the largest queue size the device offers (QueueNumMax), a power of two up to 32768
     */
    public record Options(long sectors, int queueNumMax) {
        /** A 1 MiB disk, queues up to 256 entries. */
        public static final Options DEFAULT = new Options(2048, 256);

        public Options {
            if (sectors <= 0 || sectors > Long.MAX_VALUE / RamDisk.SECTOR_SIZE) {
                throw new IllegalArgumentException("virtio-blk options: the capacity must be a positive number of "
                        + "512-byte sectors, was " + sectors);
            }
            VirtqueueLayout.checkQueueSize(queueNumMax);
        }
    }

    private final Options options;

    /** A virtio-blk kind with {@link Options#DEFAULT}. */
    public VirtioBlkKind() {
        this(Options.DEFAULT);
    }

    /** A virtio-blk kind configured by {@code options}. */
    public VirtioBlkKind(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** How devices of this kind are configured. */
    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return "virtio-blk";
    }

    @Override
    public String description() {
        return "virtio-blk over a RAM disk behind virtio-mmio registers (VIRTIO 1.x 4.2.2) at region offset 0; "
                + "rings and buffers from 0x1000";
    }

    @Override
    public long minRegionSize() {
        return VirtioMmioLayout.GUEST_MEMORY_START + 0x1000;
    }

    @Override
    public long defaultRegionSize() {
        return 1L << 20;
    }

    @Override
    public Model build(Setup setup) {
        if (setup.regionSize() < minRegionSize()) {
            throw new IllegalArgumentException("virtio-blk: a region of " + setup.regionSize() + " bytes is too small; "
                    + "it needs " + minRegionSize() + " (the register page and one page of guest memory)");
        }
        // GET_ID answers with the device's name, cut to the 20 printable ASCII characters it allows.
        String id = setup.deviceName().replaceAll("[^\\x20-\\x7e]", "?");
        RamDisk disk = RamDisk.create(options.sectors(), id.substring(0, Math.min(id.length(), RamDisk.ID_SIZE)), false);
        VirtioMmioDevice device = VirtioMmioDevice.block(setup.deviceName(), setup.region(), disk,
                options.queueNumMax());
        return new Model(device, device::isRunning, () -> device.chainsServed() + " requests served, "
                + device.notifies() + " notifies, " + device.interrupts() + " interrupts, " + device.resets()
                + " resets, " + device.refusalCount() + " refused writes");
    }
}
