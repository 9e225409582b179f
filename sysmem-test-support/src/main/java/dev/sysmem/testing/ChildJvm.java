package dev.sysmem.testing;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class of this build: the {@code java} binary that runs the tests
 * (JDK 25; the machine's default {@code java} is older), the project's JVM flags, and a class path
 * holding everything this JVM can see: its class path, its module path, and the place the main
 * class was loaded from. Tests run patched into a module (on the module path) or on the class path;
 * the child always runs on the class path, so it needs no knowledge of how surefire laid out this
 * JVM, and gets native access as {@code ALL-UNNAMED}. Its output goes to a file, so a child that
 * hangs cannot block a reader; every wait has a deadline, and {@link #close} kills the child if it
 * still runs.
 */
public final class ChildJvm implements AutoCloseable {

    /** What a finished child left: its exit code and its standard output and error, interleaved. */
    public record Result(int exitCode, String output) {
        /** The output, line by line. */
        public List<String> lines() {
            return output.lines().toList();
        }
    }

    /** The JVM flags every JVM of this project runs with: native access for the code on the class path. */
    public static final List<String> PROJECT_FLAGS = List.of("--enable-native-access=ALL-UNNAMED");

    private final List<String> command;
    private final Path output;
    private final Process process;

    private ChildJvm(List<String> command, Path output, Process process) {
        this.command = command;
        this.output = output;
        this.process = process;
    }

    /** Starts {@code main} with {@code args} and the project's JVM flags ({@link #PROJECT_FLAGS}); close the result to clean up. */
    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return start(PROJECT_FLAGS, main, args);
    }

    /** Starts {@code main} with {@code jvmFlags} and {@code args}; close the result to clean up. */
    public static ChildJvm start(List<String> jvmFlags, Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs this test"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classPath(main));
        command.add(main.getName());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("sysmem-child-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new ChildJvm(command, output, process);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(output);
            throw e;
        }
    }

    /** This JVM's class path and module path, and where {@code main} came from, as one class path. */
    private static String classPath(Class<?> main) {
        Set<String> entries = new LinkedHashSet<>();
        CodeSource source = main.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalStateException("cannot tell where " + main.getName() + " was loaded from");
        }
        try {
            entries.add(Path.of(source.getLocation().toURI()).toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where " + main.getName() + " was loaded from", e);
        }
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Starts {@code main} and waits for it to end, at most {@code deadline}. */
    public static Result run(Duration deadline, List<String> jvmFlags, Class<?> main, String... args)
            throws IOException, InterruptedException {
        try (ChildJvm child = start(jvmFlags, main, args)) {
            return child.await(deadline);
        }
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, as {@code kill PID} does. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL, as {@code kill -9 PID} does: the child gets no chance to clean up. */
    public void kill() {
        process.destroyForcibly();
    }

    /** What the child printed so far. */
    public String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /**
     * Waits at most {@code deadline} for the child to end.
     *
     * @throws AssertionError if it is still running then (it is killed by {@link #close})
     */
    public Result await(Duration deadline) throws IOException, InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child JVM " + command + " did not finish within " + deadline
                    + "; its output so far:\n" + output());
        }
        return new Result(process.exitValue(), output());
    }

    /** Kills the child if it still runs, waits for it (bounded), and removes its output. */
    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
