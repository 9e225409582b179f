package dev.sysmem.sim.vhost;

import dev.sysmem.sim.virtio.RamDisk;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The vhost-user-blk back-end alone in a JVM, for a test that kills it:
 * {@code VhostUserBlkProcess SOCKET BYTES}. It serves until killed, and ends by itself after
 * {@link #LIFETIME} so that no test can leave it behind.
 */
public final class VhostUserBlkProcess {

    static final Duration LIFETIME = Duration.ofMinutes(10);

    private VhostUserBlkProcess() {
    }

    public static void main(String[] args) throws Exception {
        RamDisk disk = RamDisk.create(Long.parseLong(args[1]) / RamDisk.SECTOR_SIZE, "sysmem-vhost-child", false);
        try (VhostUserBlkServer server = VhostUserBlkServer.start(Path.of(args[0]), disk)) {
            System.out.println("serving " + disk + " on " + server.path());
            Thread.sleep(LIFETIME);
        }
    }
}
