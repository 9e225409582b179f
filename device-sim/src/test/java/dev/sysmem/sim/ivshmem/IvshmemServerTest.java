package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ivshmem server against the protocol of QEMU's {@code docs/specs/ivshmem-spec.rst}, checked
 * from the client side with the same libc calls QEMU makes ({@code recvmsg} with SCM_RIGHTS,
 * eventfd reads and writes), without QEMU.
 */
class IvshmemServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long SIZE = 1 << 16;

    @TempDir
    Path dir;

    private SharedMemory shm;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void createMemory() throws IOException {
        shm = SharedMemory.create(dir.resolve("shm"), SIZE);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        shm.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private IvshmemServer start(int vectors) throws IOException {
        return closing(IvshmemServer.start(dir.resolve("ivshmem.sock"), shm, vectors));
    }

    /** A client socket that reads raw messages, as QEMU's ivshmem_recv_msg does. */
    private static final class RawClient implements AutoCloseable {
        final int fd;
        final List<Integer> received = new ArrayList<>();

        RawClient(Path socket) throws IOException {
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            Libc.connect(fd, socket);
        }

        /** The next message, or null at end of stream; fails after the deadline. */
        Libc.Message next() throws IOException {
            short[] ready = Libc.poll(new int[] {fd}, (int) WAIT.toMillis());
            assertThat(ready[0]).as("a message from the server within " + WAIT).isNotZero();
            Libc.Message m = Libc.receiveMessage(fd);
            if (m != null && m.fd() >= 0) {
                received.add(m.fd());
            }
            return m;
        }

        @Override
        public void close() {
            received.forEach(Libc::closeQuietly);
            Libc.closeQuietly(fd);
        }
    }

    private static long openDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }

    @Test
    void a_new_client_receives_version_id_memory_then_every_peers_eventfds_then_its_own() throws IOException {
        IvshmemServer server = start(2);
        IvshmemPeer device = closing(server.addPeer());
        assertThat(device.id()).isZero();

        try (RawClient client = new RawClient(server.socket())) {
            Libc.Message version = client.next();
            assertThat(version).isEqualTo(new Libc.Message(0, -1));
            Libc.Message id = client.next();
            assertThat(id.value()).isEqualTo(1);
            assertThat(id.fd()).isEqualTo(-1);

            Libc.Message memory = client.next();
            assertThat(memory.value()).isEqualTo(-1);
            assertThat(memory.fd()).isNotNegative();
            assertThat(Libc.fileSize(memory.fd())).isEqualTo(SIZE);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mapped = Libc.mapShared(memory.fd(), SIZE, arena);
                shm.io().write64(0x40, 0x1122334455667788L);
                assertThat(SysMem.of("client view", mapped).read64(0x40)).isEqualTo(0x1122334455667788L);
                SysMem.of("client view", mapped).write32(0x80, 0xcafe);
                assertThat(shm.io().read32(0x80)).isEqualTo(0xcafe);
            }

            // The device's two vectors, then the client's own two, each with an eventfd.
            List<Libc.Message> rest = List.of(client.next(), client.next(), client.next(), client.next());
            assertThat(rest).extracting(Libc.Message::value).containsExactly(0L, 0L, 1L, 1L);
            assertThat(rest).allSatisfy(m -> assertThat(m.fd()).isNotNegative());

            // The client's eventfd for the device's vector 1 is the device's own.
            Libc.writeCounter(rest.get(1).fd(), 1);
            assertThat(device.await(WAIT)).isEqualTo(0b10);
            // The device rings the client's vector 0, the descriptor the client got as its own.
            assertThat(device.ring(1, 0)).isTrue();
            assertThat(Libc.poll(new int[] {rest.get(2).fd()}, (int) WAIT.toMillis())[0] & Libc.POLLIN).isNotZero();
            assertThat(Libc.readCounter(rest.get(2).fd())).isEqualTo(1);
        }
    }

    @Test
    void peers_are_told_when_a_client_joins_and_when_it_leaves() throws IOException {
        IvshmemServer server = start(3);
        IvshmemClient first = closing(IvshmemClient.connect(server.socket(), 3, WAIT));
        assertThat(first.peerIds()).isEmpty();

        IvshmemClient second = IvshmemClient.connect(server.socket(), 3, WAIT);
        assertThat(second.peerIds()).containsExactly(first.id());
        assertThat(first.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(second.id(), true));
        assertThat(first.peerIds()).containsExactly(second.id());
        assertThat(server.clientIds()).containsExactly(first.id(), second.id());

        // Eventfds travel between clients: each rings the other through what the server passed.
        assertThat(first.ring(second.id(), 2)).isTrue();
        assertThat(second.await(WAIT)).isEqualTo(0b100);
        assertThat(second.ring(first.id(), 0)).isTrue();
        assertThat(second.ring(first.id(), 0)).isTrue();
        assertThat(first.await(WAIT)).isEqualTo(0b1);
        assertThat(first.rings(0)).isEqualTo(2);

        int secondId = second.id();
        second.close();
        assertThat(first.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(secondId, false));
        assertThat(first.peerIds()).isEmpty();
        await().atMost(WAIT).until(() -> !server.peerIds().contains(secondId));
        assertThat(first.ring(secondId, 0)).isFalse();
    }

    @Test
    void a_hosted_peer_is_announced_and_its_departure_too() throws IOException {
        IvshmemServer server = start(1);
        IvshmemClient client = closing(IvshmemClient.connect(server.socket(), 1, WAIT));
        IvshmemPeer device = server.addPeer();
        assertThat(client.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(device.id(), true));
        device.close();
        assertThat(client.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(device.id(), false));
        assertThat(server.peerIds()).containsExactly(client.id());
    }

    @Test
    void ringing_wakes_a_thread_blocked_in_await_and_closing_wakes_it_with_an_exception() throws Exception {
        IvshmemServer server = start(2);
        IvshmemPeer device = server.addPeer();
        IvshmemClient guest = closing(IvshmemClient.connect(server.socket(), 2, WAIT));

        CompletableFuture<Long> woken = CompletableFuture.supplyAsync(() -> {
            try {
                return device.await(WAIT);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(guest.ring(device.id(), 1)).isTrue();
        assertThat(woken.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(0b10);

        CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return device.await(WAIT);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        device.close();
        assertThatThrownBy(() -> blocked.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(guest.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(device.id(), false));
    }

    @Test
    void await_returns_zero_at_its_deadline_when_nobody_rings() throws IOException {
        IvshmemServer server = start(1);
        IvshmemPeer device = closing(server.addPeer());
        assertThat(device.await(Duration.ofMillis(50))).isZero();
    }

    @Test
    void a_client_that_sends_anything_is_disconnected_and_the_server_goes_on() throws IOException {
        IvshmemServer server = start(1);
        IvshmemClient witness = closing(IvshmemClient.connect(server.socket(), 1, WAIT));
        try (RawClient rude = new RawClient(server.socket())) {
            for (int i = 0; i < 5; i++) {
                assertThat(rude.next()).isNotNull(); // version, id, memory, the witness's vector 0, its own
            }
            assertThat(witness.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(1, true));
            Libc.sendMessage(rude.fd, 42, -1);
            // The server closes without reading what was sent, so the kernel may reset the stream.
            try {
                assertThat(rude.next()).as("end of stream for the rude client").isNull();
            } catch (Libc.NativeCallException reset) {
                assertThat(reset.errno()).as("ECONNRESET").isEqualTo(104);
            }
        }
        assertThat(witness.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(1, false));
        IvshmemClient later = closing(IvshmemClient.connect(server.socket(), 1, WAIT));
        assertThat(later.id()).isEqualTo(2);
        assertThat(later.peerIds()).containsExactly(witness.id());
    }

    @Test
    void a_client_expecting_other_vectors_than_the_server_offers_fails_clearly() throws IOException {
        IvshmemServer server = start(1);
        IvshmemPeer device = closing(server.addPeer());
        assertThat(device.id()).isZero();
        // Two vectors expected, one offered: the device's single eventfd, then only one of its own.
        assertThatThrownBy(() -> IvshmemClient.connect(server.socket(), 2, Duration.ofMillis(500)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("timed out waiting for the eventfds of peer 1");
    }

    @Test
    void every_descriptor_is_released_when_peers_leave_and_the_server_closes() throws Exception {
        long before = openDescriptors();
        try (IvshmemServer server = IvshmemServer.start(dir.resolve("count.sock"), shm, 4)) {
            IvshmemPeer device = server.addPeer();
            IvshmemClient a = IvshmemClient.connect(server.socket(), 4, WAIT);
            IvshmemClient b = IvshmemClient.connect(server.socket(), 4, WAIT);
            assertThat(openDescriptors()).isGreaterThan(before + 3 * 4);
            b.close();
            assertThat(a.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(b.id(), true));
            assertThat(a.awaitChange(WAIT)).contains(new IvshmemClient.PeerChange(b.id(), false));
            a.close();
            device.close();
            await().atMost(WAIT).until(() -> server.peerIds().isEmpty());
        }
        assertThat(openDescriptors()).isEqualTo(before);
        assertThat(dir.resolve("count.sock")).doesNotExist();
    }

    @Test
    void memory_that_qemu_cannot_map_is_refused_before_anything_listens() throws IOException {
        Path socket = dir.resolve("refused.sock");
        try (SharedMemory threeQuarters = SharedMemory.create(dir.resolve("odd"), 3 * 4096)) {
            assertThatThrownBy(() -> IvshmemServer.start(socket, threeQuarters, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("12288 bytes")
                    .hasMessageContaining("power of two")
                    .hasMessageContaining("use 8192 or 16384 bytes");
        }
        try (SharedMemory anonymous = SharedMemory.anonymous(4096)) {
            assertThatThrownBy(() -> IvshmemServer.start(socket, anonymous, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("anonymous");
        }
        assertThatThrownBy(() -> IvshmemServer.start(socket, shm, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0");
        assertThatThrownBy(() -> IvshmemServer.start(socket, shm, 65))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 65");
        assertThatThrownBy(() -> IvshmemServer.start(dir.resolve("x".repeat(120)), shm, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than 108 bytes");
        assertThat(socket).doesNotExist();
    }

    @Test
    void a_socket_path_in_use_is_refused_and_a_stale_one_replaced() throws IOException {
        Path regular = Files.writeString(dir.resolve("not-a-socket"), "data");
        assertThatThrownBy(() -> IvshmemServer.start(regular, shm, 1))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("not a socket");
        assertThat(regular).hasContent("data");

        IvshmemServer live = start(1);
        assertThatThrownBy(() -> IvshmemServer.start(live.socket(), shm, 1))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("another server is listening");

        Path stale = dir.resolve("stale.sock");
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        Libc.bind(fd, stale);
        Libc.close(fd); // bound but never listened on, as a crashed server leaves it
        IvshmemServer replacing = closing(IvshmemServer.start(stale, shm, 1));
        IvshmemClient client = closing(IvshmemClient.connect(stale, 1, WAIT));
        await().atMost(WAIT).until(() -> replacing.clientIds().contains(client.id()));
    }

    @Test
    void rings_name_existing_vectors_and_absent_peers_are_not_rung() throws IOException {
        IvshmemServer server = start(2);
        IvshmemPeer device = closing(server.addPeer());
        assertThatThrownBy(() -> device.ring(0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector 2");
        assertThat(device.ring(77, 0)).isFalse();
        Optional<Integer> none = server.clientIds().stream().findAny();
        assertThat(none).isEmpty();
    }

    @Test
    void operations_on_a_closed_server_are_refused() throws IOException {
        IvshmemServer server = IvshmemServer.start(dir.resolve("closed.sock"), shm, 1);
        IvshmemPeer device = server.addPeer();
        server.close();
        server.close();
        assertThat(device.isOpen()).isFalse();
        assertThatThrownBy(server::addPeer).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> device.await(WAIT)).isInstanceOf(IllegalStateException.class);
    }
}
