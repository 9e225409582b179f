package dev.sysmem.sim.ivshmem;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The sysmem test guest (scripts/qemu: a Debian kernel and a busybox initramfs whose init speaks
 * the guest side of each protocol) running under QEMU, for tests.
 *
 * <p>The guest is found through the {@code guest.properties} that {@code scripts/qemu/setup.sh}
 * writes. Without it, or without QEMU, tests are skipped with a message that says how to enable
 * them, except under {@code CI=true}, where they must run and so fail instead. QEMU is always
 * killed: by {@link #close}, and by a shutdown hook if the JVM ends first.
 */
public final class QemuGuest implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "qemu-killer"));
    }

    /** What setup.sh prepared: QEMU, the kernel and the initramfs. */
    public record Image(Path qemu, Path kernel, Path initramfs) {
    }

    private final Process process;
    private final Path console;
    private final List<String> command;

    private QemuGuest(Process process, Path console, List<String> command) {
        this.process = process;
        this.console = console;
        this.command = command;
    }

    /** The repository's scripts/qemu folder, found from the working directory upwards. */
    static Path scripts() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/qemu");
            if (Files.isRegularFile(candidate.resolve("guest-init.sh"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/qemu/guest-init.sh not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * Where scripts/qemu/setup.sh put the guest, by the rule it follows too: {@code $SYSMEM_QEMU_CACHE},
     * else {@code .cache/qemu} in this checkout. Neither the home directory nor {@code user.home}
     * plays a part, so a CI whose {@code HOME} differs from its passwd entry finds the same guest.
     */
    static Path cacheDirectory() {
        String explicit = System.getenv("SYSMEM_QEMU_CACHE");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        return scripts().getParent().getParent().resolve(".cache/qemu");
    }

    /**
     * The prepared guest, or a skipped test (a failed one under {@code CI=true}) saying what is
     * missing. A guest built from another version of guest-init.sh always fails the test: its
     * protocol would not match this test's.
     */
    public static Image image() {
        Path properties = cacheDirectory().resolve("guest.properties");
        if (!Files.isReadable(properties)) {
            unavailable(properties + " is missing: run scripts/qemu/setup.sh (as root, it installs QEMU)");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(properties)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Image image = new Image(Path.of(p.getProperty("qemu", "")), Path.of(p.getProperty("kernel", "")),
                Path.of(p.getProperty("initramfs", "")));
        for (Path file : List.of(image.qemu(), image.kernel(), image.initramfs())) {
            if (!Files.isReadable(file)) {
                unavailable(file + " (named in " + properties + ") is missing: run scripts/qemu/setup.sh");
            }
        }
        String built = p.getProperty("init.sha256", "");
        String current = sha256(scripts().resolve("guest-init.sh"));
        if (!built.equals(current)) {
            throw new IllegalStateException("the guest's initramfs was built from another guest-init.sh (sha256 " + built
                    + ", now " + current + "): run scripts/qemu/setup.sh again");
        }
        return image;
    }

    private static void unavailable(String why) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("QEMU guest tests must run in CI, but " + why);
        }
        System.err.println("SKIPPED QEMU guest test: " + why);
        Assumptions.abort("QEMU guest test skipped: " + why);
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Boots the guest with {@code deviceOptions} (from {@link Ivshmem}) running {@code run}, its
     * console going to {@code consoleLog}.
     */
    public static QemuGuest boot(Image image, List<String> deviceOptions, String run, String kernelArguments, Path consoleLog)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(image.qemu().toString(),
                "-nographic", "-no-reboot", "-nic", "none", "-m", "256M",
                "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString(),
                "-append", "console=ttyS0 quiet panic=-1 sysmem.run=" + run + " " + kernelArguments));
        command.addAll(deviceOptions);
        Files.createDirectories(consoleLog.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(consoleLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        RUNNING.add(process);
        return new QemuGuest(process, consoleLog, command);
    }

    /** Everything the guest and QEMU printed so far. */
    public String console() {
        try {
            return Files.readString(console, StandardCharsets.UTF_8).replace("\u001b", "^[");
        } catch (IOException e) {
            return "(console unreadable: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for QEMU to exit by itself; its exit value, or -1 if it is still running at the deadline. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** A check that, when it fails, carries the guest's console. */
    public interface Check {
        void run() throws Exception;
    }

    /**
     * Runs {@code check}; if it throws, the failure is rethrown as an {@link AssertionError} whose
     * message ends with the command line and the guest's console, so a CI log explains itself.
     */
    public void verify(Check check) throws Exception {
        try {
            check.run();
        } catch (Throwable t) {
            if (t instanceof org.opentest4j.TestAbortedException aborted) {
                throw aborted;
            }
            AssertionError withConsole = new AssertionError(t.getMessage() + "\n--- QEMU "
                    + (process.isAlive() ? "still running" : "exited with " + process.exitValue()) + ": "
                    + String.join(" ", command) + "\n--- guest console (" + console + ") ---\n" + console()
                    + "\n--- end of guest console ---", t);
            throw withConsole;
        }
    }

    /** Kills QEMU (if it is still running) and waits until it is gone. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("QEMU (pid " + process.pid() + ") did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // SIGKILL is sent; the shutdown hook sends it again at exit
        } finally {
            if (!process.isAlive()) {
                RUNNING.remove(process);
            }
        }
    }
}
