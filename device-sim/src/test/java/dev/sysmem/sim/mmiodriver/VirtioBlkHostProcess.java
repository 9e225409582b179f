package dev.sysmem.sim.mmiodriver;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.remote.DeviceKinds;
import dev.sysmem.sim.remote.RemoteDeviceHost;
import dev.sysmem.sim.remote.RemoteLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hosts the {@code virtio-blk} kind over a new file {@code args[0]} with a 1 MiB region until
 * the file {@code args[1]} exists (at most 60 s), for the cross-process test; prints its activity line when it ends.
 */
public final class VirtioBlkHostProcess {

    private VirtioBlkHostProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        try (SharedMemory memory = SharedMemory.create(file, RemoteLayout.fileSize(1 << 20));
             RemoteDeviceHost host = RemoteDeviceHost.builder(memory, DeviceKinds.create("virtio-blk"))
                     .deviceName("blk-child").heartbeatPeriod(Duration.ofMillis(20)).start()) {
            System.out.println("ready");
            System.out.flush();
            Path stop = Path.of(args[1]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(stop) && !host.ended().isDone() && System.nanoTime() < deadline) {
                try {
                    host.ended().get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // look for the stop file again
                }
            }
            System.out.println("activity: " + host.activity());
        }
    }
}
