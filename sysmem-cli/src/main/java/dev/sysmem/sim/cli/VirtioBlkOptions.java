package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.VirtioBlkKind;
import picocli.CommandLine.Option;

/** {@code run virtio-blk}'s own options, mapped to {@link VirtioBlkKind.Options}; the checks are the options object's. */
final class VirtioBlkOptions implements KindOptions {

    @Option(names = "--sectors", paramLabel = "N", defaultValue = "2048",
            description = "Capacity of the RAM disk in 512-byte sectors (the configuration's capacity; default: 2048, 1 MiB).")
    long sectors;

    @Option(names = "--queue-num-max", paramLabel = "N", defaultValue = "256",
            description = "QueueNumMax: the largest queue size a driver may choose, a power of two up to 32768 (default: 256).")
    int queueNumMax;

    @Override
    public DeviceKind kind() {
        return new VirtioBlkKind(new VirtioBlkKind.Options(sectors, queueNumMax));
    }
}
