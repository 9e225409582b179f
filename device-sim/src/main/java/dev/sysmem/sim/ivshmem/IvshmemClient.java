package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SysMem;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A peer that connects to an ivshmem server through its socket, as QEMU's {@code ivshmem-doorbell}
 * device does: a device in another process, or a test that checks a server. It receives the shared
 * memory (mapped here, see {@link #memory()}), its own ID and eventfds, and every other peer's.
 *
 * <p><b>Guarantees.</b> {@link #connect} returns only after the whole setup arrived, within its
 * deadline: version 0, the ID (0..65535), the memory, the eventfds of the peers present, and this
 * peer's own {@code vectors} eventfds. Anything else (another version, a value out of range, a
 * missing or extra descriptor, more eventfds than vectors) is an {@link IOException} naming what
 * came, and the connection is closed with nothing leaked. Later announcements are applied by
 * {@link #awaitChange}: a departed peer's eventfds are closed there. The memory stays mapped until
 * {@link #close}.
 *
 * <pre>{@code
 * try (IvshmemClient client = IvshmemClient.connect(Path.of("/tmp/ivshmem0.sock"), 2, Duration.ofSeconds(5))) {
 *     SysMem shm = client.memory();
 *     shm.write32(0x0, 42);
 *     client.ring(0, 1);                                      // vector 1 of peer 0
 *     Optional<IvshmemClient.PeerChange> change = client.awaitChange(Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class IvshmemClient implements AutoCloseable {

    /** A peer that joined (all its eventfds have arrived) or left. */
    public record PeerChange(int peer, boolean joined) {
    }

    private final Path socket;
    private final int socketFd;
    private final int id;
    private final int vectors;
    private final Arena arena;
    private final SysMem memory;
    private final PeerVectors own;
    /** Other peers' eventfds as they arrive, one list per peer, complete once it holds {@code vectors}. */
    private final Map<Integer, List<EventFd>> peers = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private IvshmemClient(Path socket, int socketFd, int id, int vectors, Arena arena, SysMem memory, PeerVectors own) {
        this.socket = socket;
        this.socketFd = socketFd;
        this.id = id;
        this.vectors = vectors;
        this.arena = arena;
        this.memory = memory;
        this.own = own;
    }

    /**
     * Connects to the server on {@code socket}, expecting {@code vectors} vectors per peer (as
     * QEMU's {@code vectors} property does), and waits for the whole setup.
     *
     * @throws IOException if the server cannot be reached, breaks the protocol, or the setup does
     *                     not arrive before {@code timeout}
     */
    public static IvshmemClient connect(Path socket, int vectors, Duration timeout) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(timeout, "timeout");
        Platform.requireLinux("an ivshmem client");
        if (vectors < 1 || vectors > IvshmemServer.MAX_VECTORS) {
            throw new IllegalArgumentException("vectors must be 1.." + IvshmemServer.MAX_VECTORS + ", was " + vectors);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        Arena arena = Arena.ofShared();
        Map<Integer, List<EventFd>> peers = new java.util.TreeMap<>();
        List<EventFd> ownFds = new ArrayList<>();
        try {
            Libc.connect(fd, socket);
            long version = expectPlain(fd, deadline, "the protocol version");
            if (version != IvshmemServer.PROTOCOL_VERSION) {
                throw new IOException("the server on " + socket + " speaks ivshmem protocol version " + version
                        + "; this client speaks " + IvshmemServer.PROTOCOL_VERSION);
            }
            long id = expectPlain(fd, deadline, "this peer's ID");
            if (id < 0 || id > Ivshmem.MAX_PEER_ID) {
                throw new IOException("the server gave peer ID " + id + ", outside 0.." + Ivshmem.MAX_PEER_ID);
            }
            Libc.Message shm = receive(fd, deadline, "the shared memory");
            if (shm.value() != -1 || shm.fd() < 0) {
                Libc.closeQuietly(shm.fd());
                throw new IOException("expected -1 with the shared memory's descriptor, got " + describe(shm));
            }
            MemorySegment mapped;
            try {
                long size = Libc.fileSize(shm.fd());
                mapped = Libc.mapShared(shm.fd(), size, arena);
            } finally {
                Libc.closeQuietly(shm.fd()); // the mapping keeps the memory; the descriptor is not needed
            }
            while (ownFds.size() < vectors) {
                Libc.Message m = receive(fd, deadline, "the eventfds of peer " + id);
                checkPeerMessage(m);
                if (m.fd() < 0) {
                    throw new IOException("peer " + m.value() + " was announced as gone during the setup of peer " + id);
                }
                EventFd eventFd = EventFd.adopt(m.fd());
                List<EventFd> list = m.value() == id ? ownFds : peers.computeIfAbsent((int) m.value(), k -> new CopyOnWriteArrayList<>());
                list.add(eventFd);
                if (list.size() > vectors) {
                    throw new IOException("peer " + m.value() + " got more than " + vectors + " eventfds");
                }
            }
            PeerVectors ownVectors = new PeerVectors("ivshmem client " + id, ownFds.toArray(EventFd[]::new));
            IvshmemClient client = new IvshmemClient(socket, fd, (int) id, vectors, arena,
                    SysMem.of("ivshmem " + socket, mapped), ownVectors);
            client.peers.putAll(peers);
            return client;
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(fd);
            ownFds.forEach(EventFd::close);
            peers.values().forEach(list -> list.forEach(EventFd::close));
            arena.close();
            throw e;
        }
    }

    private static long expectPlain(int fd, long deadline, String what) throws IOException {
        Libc.Message m = receive(fd, deadline, what);
        if (m.fd() >= 0) {
            Libc.closeQuietly(m.fd());
            throw new IOException("expected " + what + " without a descriptor, got " + describe(m));
        }
        return m.value();
    }

    private static void checkPeerMessage(Libc.Message m) throws IOException {
        if (m.value() < 0 || m.value() > Ivshmem.MAX_PEER_ID) {
            Libc.closeQuietly(m.fd());
            throw new IOException("expected a peer ID (0.." + Ivshmem.MAX_PEER_ID + "), got " + describe(m));
        }
    }

    private static String describe(Libc.Message m) {
        return m.value() + (m.fd() >= 0 ? " with a descriptor" : " without a descriptor");
    }

    /** Receives one message, waiting at most until {@code deadline}; end of stream is an error. */
    private static Libc.Message receive(int fd, long deadline, String what) throws IOException {
        while (true) {
            short[] ready = Libc.poll(new int[] {fd}, EventFd.millisUntil(deadline));
            if (ready[0] != 0) {
                Libc.Message m = Libc.receiveMessage(fd);
                if (m == null) {
                    throw new IOException("the server closed the connection while " + what + " was expected");
                }
                return m;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("timed out waiting for " + what + " from the ivshmem server");
            }
        }
    }

    /** This peer's ID, the one QEMU shows a guest in IVPosition. */
    public int id() {
        return id;
    }

    /** The number of vectors each peer has. */
    public int vectors() {
        return vectors;
    }

    /** The shared memory the server passed, mapped read-write and shared. */
    public SysMem memory() {
        return memory;
    }

    /** The IDs of the other peers whose eventfds have all arrived, in increasing order. */
    public Set<Integer> peerIds() {
        TreeSet<Integer> ids = new TreeSet<>();
        peers.forEach((peer, fds) -> {
            if (fds.size() == vectors) {
                ids.add(peer);
            }
        });
        return Collections.unmodifiableSet(ids);
    }

    /**
     * Applies announcements from the server until one peer has joined or left, or {@code timeout}
     * passes.
     *
     * @return the change, or empty on timeout
     * @throws IOException if the server broke the protocol or closed the connection
     */
    public Optional<PeerChange> awaitChange(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            short[] ready = Libc.poll(new int[] {socketFd}, EventFd.millisUntil(deadline));
            if (ready[0] != 0) {
                Libc.Message m = Libc.receiveMessage(socketFd);
                if (m == null) {
                    throw new IOException("the ivshmem server on " + socket + " closed the connection");
                }
                checkPeerMessage(m);
                int peer = (int) m.value();
                if (m.fd() < 0) {
                    List<EventFd> gone = peers.remove(peer);
                    if (gone != null) {
                        gone.forEach(EventFd::close);
                    }
                    return Optional.of(new PeerChange(peer, false));
                }
                if (peer == id) {
                    Libc.closeQuietly(m.fd());
                    throw new IOException("the server announced this peer's own ID " + id + " again");
                }
                List<EventFd> fds = peers.computeIfAbsent(peer, k -> new CopyOnWriteArrayList<>());
                if (fds.size() == vectors) {
                    Libc.closeQuietly(m.fd());
                    throw new IOException("peer " + peer + " got more than " + vectors + " eventfds");
                }
                fds.add(EventFd.adopt(m.fd()));
                if (fds.size() == vectors) {
                    return Optional.of(new PeerChange(peer, true));
                }
            } else if (System.nanoTime() - deadline >= 0) {
                return Optional.empty();
            }
        }
    }

    /**
     * Rings {@code vector} of peer {@code peer}.
     *
     * @return false if that peer is not known (all its eventfds have not arrived, or it left)
     */
    public boolean ring(int peer, int vector) throws IOException {
        own.checkVector(vector);
        List<EventFd> fds = peers.get(peer);
        if (fds == null || fds.size() != vectors) {
            return false;
        }
        try {
            fds.get(vector).signal();
            return true;
        } catch (IllegalStateException departedMeanwhile) {
            return false;
        }
    }

    /** Blocks until another peer rings this one or {@code timeout} passes; see {@link IvshmemPeer#await}. */
    public long await(Duration timeout) throws IOException {
        return own.await(timeout);
    }

    /** How many times vector {@code vector} of this peer has been rung, as counted by {@link #await}. */
    public long rings(int vector) {
        return own.rings(vector);
    }

    /** Disconnects (the server announces the departure), closes every eventfd and unmaps the memory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Libc.closeQuietly(socketFd);
        own.close();
        peers.values().forEach(list -> list.forEach(EventFd::close));
        peers.clear();
        arena.close();
    }

    @Override
    public String toString() {
        return "IvshmemClient[" + socket + ", peer " + id + ", " + vectors + " vectors]";
    }
}
