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
 * Runs a main class of the test sources in a second JVM: the same {@code java} binary as this one
 * (JDK 25; the machine's default {@code java} is older), the same class path, with a deadline.
 * Output goes to a file, so a child that hangs cannot block the reader; a child past its deadline
 * is killed and the test fails.
 */
final class ChildJvm {

    /** What a finished child left: its exit code and its standard output and error, interleaved. */
    record Result(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private ChildJvm() {
    }

    static Result run(Duration deadline, List<String> jvmFlags, Class<?> main, String... args)
            throws IOException, InterruptedException {
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
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child JVM " + command + " did not finish within " + deadline
                        + "; its output so far:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(output);
        }
    }
}
