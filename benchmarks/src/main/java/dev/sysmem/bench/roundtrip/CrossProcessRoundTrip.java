package dev.sysmem.bench.roundtrip;

import dev.sysmem.bench.BenchJvm;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The doorbell round trip of {@link DeviceRoundTrip#echoDevice} over a file in {@code /dev/shm}
 * mapped by two JVMs: the driver here, the {@link DoorbellEchoDevice} in an {@link EchoProcess}
 * ({@link #otherProcess}); and, for the same-process figure, the same device on a device-sim
 * thread of this JVM over the same kind of mapped file ({@link #sameProcess}). The two differ only
 * in where the device thread lives, so their ratio is the price of the process boundary.
 *
 * <p>Both go through {@link SysMem}'s path for mapped files (one call per access that the JIT does
 * not inline, so that a peer truncating the file cannot kill the JVM); the anonymous-memory
 * figure of {@link DeviceRoundTrip#echoDevice} shows what that costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class CrossProcessRoundTrip {

    private static final long STOP_WAIT_SECONDS = 10;

    /** A new shared file for one trial, in {@code /dev/shm} where it exists. */
    static Path sharedFile(String kind) {
        Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve("sysmem-bench-" + kind + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    /** The device in another JVM. */
    @State(Scope.Thread)
    public static class OtherProcess {
        Path file;
        SharedMemory memory;
        SysMem registers;
        Process echo;
        int sequence;

        @Setup(Level.Trial)
        public void start() throws IOException {
            file = sharedFile("xproc");
            memory = SharedMemory.create(file, DoorbellLayout.SIZE);
            registers = memory.io("xproc").withMode(AccessMode.ACQUIRE_RELEASE);
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            echo = new ProcessBuilder(List.of(java, BenchJvm.NATIVE_ACCESS, "-Xmx64m", "-cp",
                    System.getProperty("java.class.path"), EchoProcess.class.getName(), file.toString(),
                    Long.toString(DoorbellLayout.SIZE)))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                DoorbellEchoDevice.awaitReady(registers);
            } catch (RuntimeException e) {
                echo.destroyForcibly();
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException, IOException {
            try {
                registers.write32(DoorbellLayout.STOP, 1);
                if (!echo.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    echo.destroyForcibly();
                    throw new IllegalStateException("the echo process did not stop within " + STOP_WAIT_SECONDS + " s");
                }
                if (echo.exitValue() != 0) {
                    throw new IllegalStateException("the echo process failed with exit code " + echo.exitValue());
                }
            } finally {
                memory.close();
                Files.deleteIfExists(file);
            }
        }
    }

    /** The same device on a thread of this JVM, over the same kind of mapped file. */
    @State(Scope.Thread)
    public static class SameProcess {
        Path file;
        SharedMemory memory;
        SysMem registers;
        DeviceRunner runner;
        int sequence;

        @Setup(Level.Trial)
        public void start() throws IOException {
            file = sharedFile("inproc");
            memory = SharedMemory.create(file, DoorbellLayout.SIZE);
            registers = memory.io("inproc").withMode(AccessMode.ACQUIRE_RELEASE);
            runner = new DeviceRunner().start(new DoorbellEchoDevice("echo", memory.io("inproc")));
            DoorbellEchoDevice.awaitReady(registers);
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            try {
                runner.close();
            } finally {
                memory.close();
                Files.deleteIfExists(file);
            }
        }
    }

    @Benchmark
    public int otherProcess(OtherProcess p) {
        return DoorbellEchoDevice.ring(p.registers, ++p.sequence);
    }

    @Benchmark
    public int sameProcess(SameProcess p) {
        return DoorbellEchoDevice.ring(p.registers, ++p.sequence);
    }
}
