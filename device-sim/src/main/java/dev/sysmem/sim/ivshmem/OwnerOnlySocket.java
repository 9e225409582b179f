package dev.sysmem.sim.ivshmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A listening UNIX stream socket that only its owner can use, whatever the process's umask: the
 * piece every socket sysmem listens on is made with (the ivshmem server's; a vhost-user backend's).
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>No window: the socket is bound inside a directory made for it with mode 0700 (a mode the
 *       umask can only narrow), set to mode 0600 there, and only then renamed to its path and made
 *       to listen. Until the rename nobody else can reach it (they cannot enter the directory);
 *       from the rename on its own mode is 0600. The directory is removed again.</li>
 *   <li>Each connection is checked once more by the kernel's record of who connected
 *       ({@code SO_PEERCRED}): a peer whose user id is not this process's effective user id is
 *       closed before a byte is sent to it, and the refusal is logged (WARNING, naming the
 *       socket, the peer's pid, uid and gid). Root connecting to it is refused too: the rule is
 *       "the owner", not "the privileged".</li>
 * </ul>
 * Linux only (SO_PEERCRED); the path must fit {@code sun_path} even with the temporary directory's
 * 11 more bytes.
 *
 * <pre>{@code
 * int listenFd = OwnerOnlySocket.listen(Path.of("/tmp/ivshmem0.sock"), 16);
 * int client = OwnerOnlySocket.accept(listenFd, Path.of("/tmp/ivshmem0.sock"));   // -1: none, or refused
 * }</pre>
 */
public final class OwnerOnlySocket {

    private static final System.Logger LOG = System.getLogger(OwnerOnlySocket.class.getName());
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_SOCKET = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlySocket() {
    }

    /**
     * Makes a UNIX stream socket listening at {@code path} (which must not exist), mode 0600,
     * with {@code backlog}; returns its close-on-exec descriptor.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code path} exists
     * @throws IllegalArgumentException if the path (or the temporary one) does not fit {@code sun_path}
     * @throws IOException if a step fails; nothing is left behind then
     */
    public static int listen(Path path, int backlog) throws IOException {
        Objects.requireNonNull(path, "path");
        Path absolute = path.toAbsolutePath();
        Libc.checkSocketPath(absolute);
        Path parent = absolute.getParent();
        Path directory = parent.resolve("." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        Path staging = directory.resolve("s");
        Libc.checkSocketPath(staging);
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        int fd = -1;
        boolean listening = false;
        try {
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            Libc.bind(fd, staging);
            Files.setPosixFilePermissions(staging, OWNER_SOCKET);
            if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.FileAlreadyExistsException(absolute.toString());
            }
            // rename(2): the bound socket keeps its inode, so its 0600 mode, at the new path.
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
            Libc.listen(fd, backlog);
            listening = true;
            return fd;
        } finally {
            if (!listening) {
                Libc.closeQuietly(fd);
                Files.deleteIfExists(staging);
            }
            Files.deleteIfExists(directory);
        }
    }

    /**
     * Accepts one pending connection and returns it if its peer runs as this process's user;
     * closes it, logs the refusal and returns -1 otherwise. Returns -1 too if none is pending.
     *
     * @param path the socket's path, for the log
     * @throws IOException if accept or the credential query fails
     */
    public static int accept(int listenFd, Path path) throws IOException {
        int fd = Libc.accept(listenFd);
        if (fd < 0) {
            return -1;
        }
        try {
            Libc.PeerCredentials peer = Libc.peerCredentials(fd);
            if (!admits(peer, Libc.effectiveUid(), path)) {
                Libc.closeQuietly(fd);
                return -1;
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * The rule {@link #accept} applies: the peer's uid must be {@code ownUid}; a refusal is logged.
     */
    static boolean admits(Libc.PeerCredentials peer, int ownUid, Path path) {
        if (peer.uid() == ownUid) {
            return true;
        }
        LOG.log(System.Logger.Level.WARNING, "refused a connection to " + path + " from pid " + peer.pid() + " uid "
                + Integer.toUnsignedString(peer.uid()) + " gid " + Integer.toUnsignedString(peer.gid())
                + ": only uid " + Integer.toUnsignedString(ownUid) + ", the socket's owner, may connect");
        return false;
    }
}
