package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An ivshmem server: what QEMU's {@code ivshmem-doorbell} device connects to (Debian ships no
 * {@code ivshmem-server}). It hands every peer the shared memory and the eventfds of every other
 * peer, so that a guest's Doorbell write wakes a peer and a peer can interrupt a guest. Devices
 * simulated in this JVM join as {@link IvshmemPeer}s through {@link #addPeer()}.
 *
 * <p>The protocol is the one in QEMU's {@code docs/specs/ivshmem-spec.rst}: a UNIX stream socket on
 * which only the server speaks; each message is an 8-byte little-endian signed integer, optionally
 * with one file descriptor. A new client receives the version (0), its own ID, {@code -1} with the
 * shared memory, then each other peer's ID once per vector with that vector's eventfd, then its own
 * ID once per vector with its own eventfds. Later, a peer ID with an eventfd announces a peer (once
 * per vector) and a peer ID without one announces its departure.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Bad configuration is refused before anything listens: memory that is anonymous or not a
 *       power of two in size (QEMU would abort), a vector count outside 1..{@value #MAX_VECTORS},
 *       a socket path that another server is listening on or that is not a socket.</li>
 *   <li>Only the user running the server can connect, whatever the umask: the socket is made by
 *       {@link OwnerOnlySocket} (mode 0600, no window in which it is open to others) and every
 *       client's uid is checked with {@code SO_PEERCRED}; another user's connection is closed
 *       before it receives the memory's descriptor, and logged.</li>
 *   <li>One thread ({@code ivshmem-server-<socket file name>}) owns every socket and the
 *       membership. It never blocks on a client: sends do not wait, and a client that cannot take its messages, sends anything
 *       (clients only listen), hangs up or fails is disconnected alone; the server goes on.</li>
 *   <li>A peer that leaves is announced to every remaining client and its eventfds are closed; a
 *       late ring of it is reported as not delivered, never sent to a reused descriptor.</li>
 *   <li>Peer IDs are 0..65535 and are not reused until the counter wraps, so a departed peer's ID
 *       does not immediately name a newcomer.</li>
 *   <li>{@link #close} stops the thread within a deadline, disconnects every client, closes every
 *       descriptor and removes the socket file; it reports a failure of the server thread.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.create(Path.of("/dev/shm/ivshmem0"), 1 << 20);
 *      IvshmemServer server = IvshmemServer.start(Path.of("/tmp/ivshmem0.sock"), shm, 2);
 *      IvshmemPeer device = server.addPeer()) {
 *     // qemu-system-x86_64 ... -chardev socket,path=/tmp/ivshmem0.sock,id=ivs
 *     //                        -device ivshmem-doorbell,chardev=ivs,vectors=2
 *     long rung = device.await(Duration.ofSeconds(10));   // the guest wrote (device.id() << 16 | v) to Doorbell
 *     device.ring(guestId, 0);                              // MSI-X vector 0 in the guest
 * }
 * }</pre>
 */
public final class IvshmemServer implements AutoCloseable {

    /** The protocol version this server speaks, the first message every client receives. */
    public static final long PROTOCOL_VERSION = 0;
    /** The most vectors a server offers each peer (QEMU's own server has the same limit). */
    public static final int MAX_VECTORS = 64;

    private static final System.Logger LOG = System.getLogger(IvshmemServer.class.getName());
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int IDLE_POLL_MILLIS = 1000;

    private final Path socketPath;
    private final SharedMemory memory;
    private final int vectors;
    private final int listenFd;
    private final int memoryFd;
    private final EventFd wake;
    private final Thread thread;
    /** Every peer, hosted or connected; read by ringing threads, changed only by the server thread. */
    private final Map<Integer, Peer> peers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Pending<?>> requests = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean closing;
    private int nextId;

    /** One peer as the server sees it: its ID, its vectors' eventfds and, if it is a client, its socket. */
    private record Peer(int id, PeerVectors vectors, int socketFd) {
        boolean isClient() {
            return socketFd >= 0;
        }
    }

    private IvshmemServer(Path socketPath, SharedMemory memory, int vectors, int listenFd, int memoryFd, EventFd wake) {
        this.socketPath = socketPath;
        this.memory = memory;
        this.vectors = vectors;
        this.listenFd = listenFd;
        this.memoryFd = memoryFd;
        this.wake = wake;
        this.thread = Thread.ofPlatform().name("ivshmem-server-" + socketPath.getFileName()).daemon().unstarted(this::serve);
    }

    /**
     * Listens on {@code socket} and serves {@code memory} with {@code vectors} interrupt vectors
     * per peer, on a new thread.
     *
     * @throws IllegalArgumentException   if {@code memory} is anonymous or its size is not a power of
     *                                    two, or {@code vectors} is not 1..{@value #MAX_VECTORS}
     * @throws FileAlreadyExistsException if {@code socket} exists and is not a socket, or another
     *                                    server is listening on it (a stale socket is replaced)
     * @throws IOException                if a libc call fails; the message names it and its errno
     */
    public static IvshmemServer start(Path socket, SharedMemory memory, int vectors) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(memory, "memory");
        Platform.requireLinux("the ivshmem server");
        Path file = memory.path().orElseThrow(() -> new IllegalArgumentException(
                "the ivshmem server passes the shared memory's file to QEMU, but " + memory + " is anonymous; "
                        + "use SharedMemory.create(path, size)"));
        Ivshmem.requireUsableSize(memory.size(), "shared memory " + file);
        if (vectors < 1 || vectors > MAX_VECTORS) {
            throw new IllegalArgumentException("an ivshmem server offers 1.." + MAX_VECTORS + " vectors per peer, not " + vectors);
        }
        Libc.checkSocketPath(socket);
        removeStaleSocket(socket);

        int memoryFd = -1;
        int listenFd = -1;
        EventFd wake = null;
        try {
            memoryFd = Libc.open(file);
            long size = Libc.fileSize(memoryFd);
            if (size != memory.size()) {
                throw new IOException("shared memory file " + file + " is " + size + " bytes, but the mapping is "
                        + memory.size() + " bytes; was it truncated?");
            }
            wake = EventFd.create();
            listenFd = OwnerOnlySocket.listen(socket, 16);
            IvshmemServer server = new IvshmemServer(socket, memory, vectors, listenFd, memoryFd, wake);
            server.thread.start();
            LOG.log(System.Logger.Level.DEBUG, () -> "ivshmem server on " + socket + " serving " + memory + " with "
                    + vectors + " vectors");
            return server;
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(listenFd);
            Libc.closeQuietly(memoryFd);
            if (wake != null) {
                wake.close();
            }
            if (listenFd >= 0) {
                Files.deleteIfExists(socket);
            }
            throw e;
        }
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new FileAlreadyExistsException(socket.toString(), null, "exists and is not a socket; not replacing it");
        }
        int probe = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        try {
            Libc.connect(probe, socket);
            throw new FileAlreadyExistsException(socket.toString(), null, "another server is listening on it");
        } catch (Libc.NativeCallException e) {
            // Nobody listens: a socket left by a server that died. Replace it.
            Files.delete(socket);
        } finally {
            Libc.closeQuietly(probe);
        }
    }

    /** The socket path clients connect to. */
    public Path socket() {
        return socketPath;
    }

    /** The memory every peer shares. */
    public SharedMemory memory() {
        return memory;
    }

    /** The number of interrupt vectors each peer has. */
    public int vectors() {
        return vectors;
    }

    /** The IDs of all peers now connected or hosted, in increasing order. */
    public Set<Integer> peerIds() {
        return Collections.unmodifiableSet(new TreeSet<>(peers.keySet()));
    }

    /** The IDs of the peers connected through the socket (QEMU guests, other processes). */
    public Set<Integer> clientIds() {
        TreeSet<Integer> ids = new TreeSet<>();
        peers.values().stream().filter(Peer::isClient).forEach(p -> ids.add(p.id()));
        return Collections.unmodifiableSet(ids);
    }

    /**
     * Hosts a new peer in this JVM: it gets the next ID and its own eventfds, and every connected
     * client is told about it as about any peer. Close it to make it leave.
     *
     * @throws IllegalStateException if the server is closed or has no free peer ID
     */
    public IvshmemPeer addPeer() throws IOException {
        return onServerThread(() -> {
            int id = allocateId();
            PeerVectors own = new PeerVectors("ivshmem peer " + id, PeerVectors.create(vectors));
            Peer peer = new Peer(id, own, -1);
            join(peer);
            return new IvshmemPeer(this, id, own);
        });
    }

    /**
     * Rings {@code vector} of peer {@code peer} (writes 1 to its eventfd), as a guest's Doorbell
     * write does.
     *
     * @return false if no such peer is connected now (it may have just left); QEMU likewise drops a
     *         doorbell to an absent peer
     * @throws IllegalArgumentException if {@code vector} is not 0..vectors-1
     */
    boolean ring(int peer, int vector) throws IOException {
        if (vector < 0 || vector >= vectors) {
            throw new IllegalArgumentException("vector " + vector + " does not exist; this server has vectors 0 to " + (vectors - 1));
        }
        Peer target = peers.get(peer);
        if (target == null) {
            return false;
        }
        try {
            target.vectors().vector(vector).signal();
            return true;
        } catch (IllegalStateException departedMeanwhile) {
            return false;
        }
    }

    /** Makes a hosted peer leave: called by {@link IvshmemPeer#close}. */
    void removePeer(int id) {
        if (closing || !thread.isAlive()) {
            return;
        }
        try {
            onServerThread(() -> {
                Peer peer = peers.get(id);
                if (peer != null && !peer.isClient()) {
                    leave(peer, "closed by its owner");
                }
                return null;
            });
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "removing peer " + id + ": " + e);
        }
    }

    private interface Request<T> {
        T run() throws IOException;
    }

    /** A request from another thread and the future its caller waits on. */
    private record Pending<T>(Request<T> request, CompletableFuture<T> result) {
        void run() {
            try {
                result.complete(request.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }

    private <T> T onServerThread(Request<T> request) throws IOException {
        if (closing || stopped.isDone()) {
            throw new IllegalStateException("ivshmem server on " + socketPath + " is closed");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        requests.add(new Pending<>(request, result));
        try {
            wake.signal();
        } catch (IllegalStateException closedMeanwhile) {
            throw new IllegalStateException("ivshmem server on " + socketPath + " is closed", closedMeanwhile);
        }
        if (stopped.isDone()) {
            failPending(); // the thread may have drained the queue before this request was added
        }
        try {
            return result.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the ivshmem server thread did not answer within " + REQUEST_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the ivshmem server thread", e);
        }
    }

    // ---- the server thread ------------------------------------------------------------------------

    private void serve() {
        // `wake` stays open until this thread has stopped: close() closes it after joining.
        int wakeFd = wake.acquire();
        try {
            while (!closing) {
                Pending<?> pending;
                while ((pending = requests.poll()) != null) {
                    pending.run();
                }
                List<Peer> clients = new ArrayList<>();
                peers.values().stream().filter(Peer::isClient).forEach(clients::add);
                int[] fds = new int[2 + clients.size()];
                fds[0] = listenFd;
                fds[1] = wakeFd;
                for (int i = 0; i < clients.size(); i++) {
                    fds[2 + i] = clients.get(i).socketFd();
                }
                short[] ready = Libc.poll(fds, IDLE_POLL_MILLIS);
                if (ready[1] != 0) {
                    wake.drain();
                }
                for (int i = 0; i < clients.size(); i++) {
                    if (ready[2 + i] != 0) {
                        // Clients only listen: readable means it hung up or broke the protocol.
                        leave(clients.get(i), (ready[2 + i] & Libc.POLLIN) != 0 && (ready[2 + i] & Libc.POLLHUP) == 0
                                ? "sent data, but ivshmem clients may only listen" : "hung up");
                    }
                }
                if (ready[0] != 0) {
                    admit();
                }
            }
            stopped.complete(null);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "ivshmem server on " + socketPath + " failed", t);
            stopped.completeExceptionally(t);
        } finally {
            shutDown();
            wake.release();
        }
    }

    private void admit() throws IOException {
        int socketFd = OwnerOnlySocket.accept(listenFd, socketPath);
        if (socketFd < 0) {
            return;
        }
        int id;
        try {
            id = allocateId();
        } catch (IllegalStateException full) {
            LOG.log(System.Logger.Level.WARNING, "refusing a client: " + full.getMessage());
            Libc.closeQuietly(socketFd);
            return;
        }
        PeerVectors own;
        try {
            own = new PeerVectors("ivshmem client " + id, PeerVectors.create(vectors));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "refusing client " + id + ": no eventfds: " + e.getMessage());
            Libc.closeQuietly(socketFd);
            return;
        }
        Peer client = new Peer(id, own, socketFd);
        try {
            send(socketFd, PROTOCOL_VERSION, null);
            send(socketFd, id, null);
            sendDescriptor(socketFd, -1, memoryFd);
            for (Peer other : new TreeMap<>(peers).values()) {
                for (int v = 0; v < vectors; v++) {
                    send(socketFd, other.id(), other.vectors().vector(v));
                }
            }
            for (int v = 0; v < vectors; v++) {
                send(socketFd, id, own.vector(v));
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.INFO, "client " + id + " left during its setup: " + e.getMessage());
            own.close();
            Libc.closeQuietly(socketFd);
            return;
        }
        join(client);
        LOG.log(System.Logger.Level.DEBUG, () -> "client " + id + " connected");
    }

    /** Adds {@code peer} and tells every other client about it; clients that cannot be told leave. */
    private void join(Peer peer) {
        peers.put(peer.id(), peer);
        List<Peer> unreachable = new ArrayList<>();
        for (Peer other : peers.values()) {
            if (other.isClient() && other.id() != peer.id()) {
                try {
                    for (int v = 0; v < vectors; v++) {
                        send(other.socketFd(), peer.id(), peer.vectors().vector(v));
                    }
                } catch (IOException | IllegalStateException e) {
                    unreachable.add(other);
                }
            }
        }
        unreachable.forEach(p -> leave(p, "could not be told about peer " + peer.id()));
    }

    /** Removes {@code peer}, closes its eventfds and socket, and announces its departure. */
    private void leave(Peer peer, String reason) {
        if (peers.remove(peer.id()) == null) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "peer " + peer.id() + " left: " + reason);
        peer.vectors().close();
        if (peer.isClient()) {
            Libc.closeQuietly(peer.socketFd());
        }
        List<Peer> unreachable = new ArrayList<>();
        for (Peer other : peers.values()) {
            if (other.isClient()) {
                try {
                    send(other.socketFd(), peer.id(), null);
                } catch (IOException e) {
                    unreachable.add(other);
                }
            }
        }
        unreachable.forEach(p -> leave(p, "could not be told that peer " + peer.id() + " left"));
    }

    private static void send(int socketFd, long value, EventFd passed) throws IOException {
        if (passed == null) {
            Libc.sendMessage(socketFd, value, -1);
            return;
        }
        int fd = passed.acquire();
        try {
            Libc.sendMessage(socketFd, value, fd);
        } finally {
            passed.release();
        }
    }

    private static void sendDescriptor(int socketFd, long value, int fd) throws IOException {
        Libc.sendMessage(socketFd, value, fd);
    }

    private int allocateId() {
        for (int tried = 0; tried <= Ivshmem.MAX_PEER_ID; tried++) {
            int id = nextId;
            nextId = (nextId + 1) & Ivshmem.MAX_PEER_ID;
            if (!peers.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("all " + (Ivshmem.MAX_PEER_ID + 1) + " ivshmem peer IDs are in use");
    }

    private void failPending() {
        Pending<?> pending;
        while ((pending = requests.poll()) != null) {
            pending.result().completeExceptionally(new IllegalStateException("ivshmem server on " + socketPath + " is closed"));
        }
    }

    private void shutDown() {
        for (Peer peer : new ArrayList<>(peers.values())) {
            peers.remove(peer.id());
            peer.vectors().close();
            if (peer.isClient()) {
                Libc.closeQuietly(peer.socketFd());
            }
        }
        if (!stopped.isDone()) {
            stopped.complete(null);
        }
        failPending();
        Libc.closeQuietly(listenFd);
        Libc.closeQuietly(memoryFd);
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove " + socketPath + ": " + e.getMessage());
        }
    }

    /**
     * Stops the server: every client is disconnected, every hosted peer closed, every descriptor
     * released and the socket file removed. Idempotent.
     *
     * @throws IOException if the server thread had failed (the failure is the cause), or did not stop
     *                     within its deadline
     */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            wake.signal();
        } catch (IllegalStateException alreadyClosed) {
            // The thread has already finished and closed it.
        }
        try {
            thread.join(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the ivshmem server on " + socketPath, e);
        }
        if (thread.isAlive()) {
            throw new IOException("the ivshmem server thread on " + socketPath + " did not stop within " + STOP_TIMEOUT);
        }
        wake.close();
        if (stopped.isCompletedExceptionally()) {
            try {
                stopped.join();
            } catch (RuntimeException e) {
                throw new IOException("the ivshmem server on " + socketPath + " had failed", e.getCause());
            }
        }
    }

    @Override
    public String toString() {
        return "IvshmemServer[" + socketPath + ", " + memory.size() + " bytes, " + vectors + " vectors, peers "
                + peerIds() + (closing ? ", closed" : "") + "]";
    }
}
