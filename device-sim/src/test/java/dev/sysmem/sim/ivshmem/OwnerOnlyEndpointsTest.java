package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.remote.DeviceKinds;
import dev.sysmem.sim.remote.RemoteDeviceHost;
import dev.sysmem.sim.remote.RemoteLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Every endpoint sysmem creates is its owner's only, whatever the umask: each is made here under
 * umask 000 (set in this process with umask(2), restored after) and its mode checked; the same
 * check on a plain {@code bind} shows 0777, so it could fail. Another user's connection is refused
 * for real when the test runs as root (it connects as {@code nobody}), and by a simulated
 * SO_PEERCRED mismatch everywhere.
 */
class OwnerOnlyEndpointsTest {

    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /** Runs {@code body} with the process umask 000. */
    private static void underUmask000(IoAction body) throws Exception {
        int old = Libc.umask(0);
        try {
            body.run();
        } finally {
            Libc.umask(old);
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws Exception;
    }

    @Test
    void aPlainBindUnderUmask000IsOpenToEveryoneWhichIsWhatTheseTestsWouldCatch() throws Exception {
        Path socket = dir.resolve("plain.sock");
        underUmask000(() -> {
            int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            try {
                Libc.bind(fd, socket);
                assertThat(mode(socket)).isEqualTo("rwxrwxrwx");
            } finally {
                Libc.closeQuietly(fd);
            }
        });
    }

    @Test
    void theIvshmemSocketIsOwnerOnlyUnderUmask000AndItsOwnerStillConnects() throws Exception {
        Path socket = dir.resolve("ivshmem.sock");
        underUmask000(() -> {
            try (SharedMemory shm = SharedMemory.create(dir.resolve("shm"), 1 << 16);
                 IvshmemServer server = IvshmemServer.start(socket, shm, 1)) {
                assertThat(mode(socket)).isEqualTo("rw-------");
                assertThat(mode(dir.resolve("shm"))).isEqualTo("rw-------");
                // No temporary directory is left beside it.
                try (var entries = Files.list(dir)) {
                    assertThat(entries.map(p -> p.getFileName().toString()).sorted().toList())
                            .containsExactly("ivshmem.sock", "shm");
                }
                try (IvshmemClient client = IvshmemClient.connect(socket, 1, Duration.ofSeconds(10))) {
                    assertThat(client.memory().size()).isEqualTo(1 << 16);
                }
            }
        });
    }

    @Test
    void aRemoteDeviceFileIsOwnerOnlyUnderUmask000() throws Exception {
        Path file = dir.resolve("mbox");
        underUmask000(() -> {
            try (SharedMemory memory = SharedMemory.create(file, RemoteLayout.fileSize(8192));
                 RemoteDeviceHost host = RemoteDeviceHost.builder(memory, DeviceKinds.create("mailbox")).start()) {
                assertThat(mode(file)).isEqualTo("rw-------");
            }
        });
    }

    @Test
    void theQemuCacheDirectoryIsOwnerOnlyUnderUmask000() throws Exception {
        Path script = Path.of("..", "scripts", "qemu", "setup.sh").toAbsolutePath().normalize();
        assumeThat(Files.isExecutable(script)).as("%s is part of this checkout", script).isTrue();
        Path cache = dir.resolve("cache-parent").resolve("sysmem-qemu");
        ProcessBuilder setup = new ProcessBuilder("bash", "-c", "umask 000 && exec \"$0\"", script.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("setup.out").toFile());
        setup.environment().put("SYSMEM_QEMU_CACHE", cache.toString());
        Process p = setup.start();
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("setup.sh did not finish within 5 minutes");
        }
        String output = Files.readString(dir.resolve("setup.out"));
        assumeThat(output).as("setup.sh could prepare this machine").doesNotContain("will be skipped");
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(mode(cache)).isEqualTo("rwx------");
        assertThat(mode(cache.getParent())).as("a parent it made").isEqualTo("rwx------");
    }

    @Test
    void theKernelsPeerCredentialsNameThisProcessAndAnotherUidIsRefusedAndLogged() throws Exception {
        Path socket = dir.resolve("creds.sock");
        int listenFd = OwnerOnlySocket.listen(socket, 4);
        int client = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        int accepted = -1;
        try {
            Libc.connect(client, socket);
            accepted = Libc.accept(listenFd);
            Libc.PeerCredentials peer = Libc.peerCredentials(accepted);
            assertThat(peer.pid()).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(peer.uid()).isEqualTo(Libc.effectiveUid());
            assertThat(OwnerOnlySocket.admits(peer, Libc.effectiveUid(), socket)).isTrue();

            // The same peer seen by a server running as another user: refused, and the log says who.
            List<String> logged = capturingLog(() -> assertThat(
                    OwnerOnlySocket.admits(peer, Libc.effectiveUid() + 1, socket)).isFalse());
            assertThat(logged).singleElement().asString().contains("refused a connection to " + socket)
                    .contains("pid " + ProcessHandle.current().pid()).contains("uid " + peer.uid());
        } finally {
            Libc.closeQuietly(accepted);
            Libc.closeQuietly(client);
            Libc.closeQuietly(listenFd);
        }
    }

    @Test
    void anotherUserCannotConnectAndIfTheModeWereWidenedTheServerStillRefusesIt() throws Exception {
        assumeThat(Libc.effectiveUid()).as("switching to another uid needs root").isZero();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")))
                .as("setpriv and python3 to connect as nobody").isTrue();
        Path shared = Files.createDirectory(Path.of("/tmp", "sysmem-owner-test-" + ProcessHandle.current().pid()));
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path socket = shared.resolve("ivshmem.sock");
            try (SharedMemory shm = SharedMemory.create(shared.resolve("shm"), 1 << 16);
                 IvshmemServer server = IvshmemServer.start(socket, shm, 1)) {
                assertThat(connectAsNobody(socket)).as("the socket's mode stops nobody").isEqualTo("EACCES");

                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
                List<String> logged = new ArrayList<>(capturingLog(() -> assertThat(connectAsNobody(socket))
                        .as("SO_PEERCRED stops nobody: closed before a byte").isEqualTo("CLOSED")));
                assertThat(logged).anySatisfy(line -> assertThat(line).contains("uid 65534"));
                try (IvshmemClient owner = IvshmemClient.connect(socket, 1, Duration.ofSeconds(10))) {
                    assertThat(owner.memory().size()).isEqualTo(1 << 16);
                }
            }
        } finally {
            try (var entries = Files.list(shared)) {
                for (Path p : entries.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(shared);
        }
    }

    /** Connects to {@code socket} as uid/gid 65534; says EACCES, CLOSED (nothing received), DATA or TIMEOUT. */
    private static String connectAsNobody(Path socket) throws IOException, InterruptedException {
        String script = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(sys.argv[1])
                except PermissionError:
                    print("EACCES"); sys.exit(0)
                s.settimeout(5)
                try:
                    d = s.recv(8)
                except socket.timeout:
                    print("TIMEOUT"); sys.exit(0)
                except ConnectionResetError:
                    d = b""
                print("DATA" if d else "CLOSED")
                """;
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", "-c", script, socket.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the connecting child did not finish within 20 s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    /** The log lines of {@link OwnerOnlySocket} written while {@code body} runs. */
    private static List<String> capturingLog(IoAction body) throws Exception {
        Logger logger = Logger.getLogger(OwnerOnlySocket.class.getName());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            // A server refuses on its own thread, but it logs before it closes the connection, so
            // the log line is in before the refused child can see the close and exit.
            body.run();
            return List.copyOf(lines);
        } finally {
            logger.removeHandler(handler);
        }
    }
}
