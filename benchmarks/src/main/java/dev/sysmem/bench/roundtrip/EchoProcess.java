package dev.sysmem.bench.roundtrip;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Poll;
import dev.sysmem.io.PollTimeoutException;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The device side of {@link CrossProcessRoundTrip}, in a JVM of its own: maps the shared file the
 * benchmark created and runs a {@link DoorbellEchoDevice} on it under a {@link DeviceRunner} until
 * the benchmark sets the STOP word, its parent process goes away, or {@link #MAX_LIFETIME} passes.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.sysmem.bench.roundtrip.EchoProcess /dev/shm/x 4096
 * }</pre>
 */
public final class EchoProcess {

    /** The longest an echo process lives, whatever happens to its parent. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(30);

    private static final Duration STOP_CHECK = Duration.ofMillis(20);

    private EchoProcess() {
    }

    /** {@code PATH SIZE}: the shared file and its size in bytes. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: EchoProcess PATH SIZE");
            System.exit(2);
        }
        try (SharedMemory shm = SharedMemory.open(Path.of(args[0]), Long.parseLong(args[1]));
             DeviceRunner runner = new DeviceRunner()) {
            SysMem region = shm.io("echo-process");
            runner.start(new DoorbellEchoDevice("echo-process", region));
            SysMem control = region.withMode(AccessMode.ACQUIRE_RELEASE);
            ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
            long deadline = System.nanoTime() + MAX_LIFETIME.toNanos();
            while (parent.isAlive() && System.nanoTime() < deadline) {
                try {
                    Poll.readPollTimeout(() -> control.read32(DoorbellLayout.STOP), stop -> stop == 1, STOP_CHECK,
                            Duration.ofSeconds(1));
                    break;
                } catch (PollTimeoutException stillRunning) {
                    runner.checkHealthy();
                }
            }
        }
    }
}
