package dev.sysmem.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test sources running in a second JVM: the same {@code java} binary as this
 * one (JDK 25; the machine's default {@code java} is older) with the same class path. Output goes
 * to a file, so a child that hangs cannot block the reader; every wait on a child has a deadline,
 * and {@link #close} kills it if it still runs.
 */
final class ChildJvm implements AutoCloseable {

    /** What a finished child left: its exit code and its standard output and error, interleaved. */
    record Result(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private final List<String> command;
    private final Path output;
    private final Process process;

    private ChildJvm(List<String> command, Path output, Process process) {
        this.command = command;
        this.output = output;
        this.process = process;
    }

    /** Starts {@code main} with {@code jvmFlags} and {@code args}; close the result to clean up. */
    static ChildJvm start(List<String> jvmFlags, Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs this test"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
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

    /** Starts {@code main} and waits for it to end, at most {@code deadline}. */
    static Result run(Duration deadline, List<String> jvmFlags, Class<?> main, String... args)
            throws IOException, InterruptedException {
        try (ChildJvm child = start(jvmFlags, main, args)) {
            return child.await(deadline);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What the child printed so far. */
    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /**
     * Waits at most {@code deadline} for the child to end.
     *
     * @throws AssertionError if it is still running then (it is killed by {@link #close})
     */
    Result await(Duration deadline) throws IOException, InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child JVM " + command + " did not finish within " + deadline
                    + "; its output so far:\n" + output());
        }
        return new Result(process.exitValue(), output());
    }

    /** Kills the child if it still runs and removes its output. */
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
