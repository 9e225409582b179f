package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;
import dev.sysmem.sim.ivshmem.Platform;
import dev.sysmem.sim.virtio.RamDisk;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A vhost-user back-end for QEMU's {@code vhost-user-blk} device, serving a {@link RamDisk}: it
 * listens on a UNIX socket, and a real guest's virtio-blk driver then reads and writes the disk
 * through rings in its own memory, which this JVM maps.
 *
 * <pre>{@code
 * RamDisk disk = RamDisk.create(64L << 20 >> 9, "sysmem-vhost", false);      // 64 MiB
 * try (VhostUserBlkServer server = VhostUserBlkServer.start(Path.of("/tmp/vu/blk.sock"), disk)) {
 *     // qemu-system-x86_64 -machine pc,memory-backend=mem -m 256M
 *     //   -object memory-backend-memfd,id=mem,size=256M,share=on
 *     //   -chardev socket,id=vu0,path=/tmp/vu/blk.sock -device vhost-user-blk-pci,chardev=vu0,num-queues=1
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The socket is the owner's only: it is bound inside a fresh directory of mode 0700, made
 *       0600, and only then moved to {@code path}, so no other user can connect in between. An
 *       existing {@code path} is refused.</li>
 *   <li>One front-end at a time; when it disconnects, the next may connect (QEMU's
 *       {@code reconnect=}). The disk keeps its contents across connections.</li>
 *   <li>A malformed message closes that connection with a logged reason ({@link #lastDisconnect});
 *       it never stops the server or harms the JVM.</li>
 *   <li>{@link #close} stops the thread within {@link #STOP_DEADLINE}, closes every descriptor,
 *       unmaps guest memory and removes the socket file.</li>
 * </ul>
 */
public final class VhostUserBlkServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VhostUserBlkServer.class.getName());
    /** How long {@link #close} waits for the server thread. */
    public static final Duration STOP_DEADLINE = Duration.ofSeconds(5);
    /** How long a message may take to arrive once its first byte has. */
    static final Duration MESSAGE_DEADLINE = Duration.ofSeconds(5);

    private final Path path;
    private final RamDisk disk;
    private final int listenFd;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile String lastDisconnect;
    private volatile long chainsServed;
    private volatile int connections;
    private volatile long connectionServed;

    private VhostUserBlkServer(Path path, RamDisk disk, int listenFd) {
        this.path = path;
        this.disk = disk;
        this.listenFd = listenFd;
        this.thread = Thread.ofPlatform().daemon().name("vhost-user-blk " + path.getFileName()).unstarted(this::loop);
    }

    /**
     * Listens on {@code path} and serves {@code disk} to the front-ends that connect.
     *
     * @throws FileAlreadyExistsException if {@code path} exists
     * @throws IllegalArgumentException   if the path does not fit a UNIX socket address
     * @throws IOException                if the socket cannot be made
     */
    public static VhostUserBlkServer start(Path path, RamDisk disk) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(disk, "disk");
        Platform.requireLinux("the vhost-user back-end");
        Path target = path.toAbsolutePath();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the vhost-user socket path exists");
        }
        Libc.checkSocketPath(target);
        Path parent = target.getParent();
        Path privateDir = Files.createTempDirectory(parent, ".vhost-user-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staged = privateDir.resolve("s");
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        try {
            Libc.bind(fd, staged);
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            Libc.listen(fd, 4);
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot move the socket into place at " + target + ": " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(fd);
            Files.deleteIfExists(staged);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
        VhostUserBlkServer server = new VhostUserBlkServer(target, disk, fd);
        server.thread.start();
        return server;
    }

    /** The socket path (absolute). */
    public Path path() {
        return path;
    }

    /** The disk being served. */
    public RamDisk disk() {
        return disk;
    }

    /** Why the last connection ended, or null if none has ended yet. */
    public String lastDisconnect() {
        return lastDisconnect;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections;
    }

    /** Requests (descriptor chains) served over all connections so far. */
    public long chainsServed() {
        return chainsServed + connectionServed;
    }

    /** Whether the server thread runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private void loop() {
        try {
            while (!stopping) {
                short ready = Libc.poll(new int[] {listenFd}, (int) VhostUserConnection.IDLE_POLL.toMillis())[0];
                if ((ready & Libc.POLLIN) == 0) {
                    continue;
                }
                int fd = Libc.accept(listenFd);
                if (fd < 0) {
                    continue;
                }
                connections++;
                LOG.log(System.Logger.Level.INFO, "vhost-user-blk: front-end connected on " + path);
                try (VhostUserBlkBackend backend = new VhostUserBlkBackend(disk)) {
                    connectionServed = 0;
                    String reason = new VhostUserConnection(fd, backend, MESSAGE_DEADLINE)
                            .run(() -> stopping, n -> connectionServed = n);
                    chainsServed += backend.chainsServed();
                    connectionServed = 0;
                    lastDisconnect = reason;
                    LOG.log(System.Logger.Level.INFO, "vhost-user-blk: connection ended: " + reason);
                } finally {
                    Libc.closeQuietly(fd);
                }
            }
        } catch (IOException | RuntimeException e) {
            lastDisconnect = "the server failed: " + e;
            LOG.log(System.Logger.Level.ERROR, "vhost-user-blk: server stopped: " + e, e);
        }
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        try {
            if (!thread.join(STOP_DEADLINE)) {
                throw new IllegalStateException("the vhost-user-blk server thread did not stop within " + STOP_DEADLINE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!thread.isAlive()) {
                Libc.closeQuietly(listenFd);
            }
            Files.deleteIfExists(path);
        }
    }

    @Override
    public String toString() {
        return "VhostUserBlkServer[" + path + ", " + disk + "]";
    }
}
