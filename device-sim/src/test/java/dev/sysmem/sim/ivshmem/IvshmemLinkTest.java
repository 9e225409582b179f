package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.InterruptLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A device behind an ivshmem peer: rings in reach its doorbell, its interrupts ring the other peers. */
class IvshmemLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void a_ring_of_the_watched_vector_rings_the_doorbell_and_interrupts_ring_every_other_peer() throws Exception {
        try (SharedMemory shm = SharedMemory.create(dir.resolve("shm"), 4096);
             IvshmemServer server = IvshmemServer.start(dir.resolve("s.sock"), shm, 2);
             IvshmemPeer peer = server.addPeer();
             IvshmemClient first = IvshmemClient.connect(server.socket(), 2, WAIT);
             IvshmemClient second = IvshmemClient.connect(server.socket(), 2, WAIT)) {
            Doorbell doorbell = new Doorbell("dev-doorbell");
            InterruptLine irq = new InterruptLine("dev-irq");
            IvshmemLink link = IvshmemLink.between(peer, 1, doorbell).interruptingOn(irq, 1);
            assertThat(link.name()).isEqualTo("dev-doorbell-ivshmem0");
            try (DeviceRunner runner = new DeviceRunner().start(link)) {
                assertThat(first.ring(peer.id(), 0)).isTrue(); // not the watched vector
                assertThat(first.ring(peer.id(), 1)).isTrue();
                await().atMost(WAIT).until(() -> doorbell.count() >= 1);
                assertThat(peer.rings(0)).isEqualTo(1);

                irq.pulse();
                assertThat(first.await(WAIT)).isEqualTo(0b10);
                assertThat(second.await(WAIT)).isEqualTo(0b10);
                runner.checkHealthy();
            }
            assertThat(doorbell.count()).as("rings of vector 0 are not the device's").isEqualTo(1);
        }
    }

    @Test
    void vectors_the_peer_lacks_are_refused() throws Exception {
        try (SharedMemory shm = SharedMemory.create(dir.resolve("shm"), 4096);
             IvshmemServer server = IvshmemServer.start(dir.resolve("s.sock"), shm, 1);
             IvshmemPeer peer = server.addPeer()) {
            assertThatThrownBy(() -> IvshmemLink.between(peer, 1, new Doorbell("d")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vectors 0 to 0, not 1");
            IvshmemLink link = IvshmemLink.between(peer, 0, new Doorbell("d"));
            assertThatThrownBy(() -> link.interruptingOn(new InterruptLine("i"), 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 3");
        }
    }
}
