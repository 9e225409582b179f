package dev.sysmem.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JVM flags every forked benchmark JVM gets, as constants JMH annotations can name.
 * Every contender runs with all of them, so no contender runs under flags another lacks.
 */
public final class BenchJvm {

    /**
     * sysmem-core and device-sim use restricted FFM methods. The forks run the shaded jar from the
     * class path, where those modules' names do not exist: the grant goes to the unnamed module.
     */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * Agrona 2.x calls {@code jdk.internal.misc.Unsafe}, which {@code java.base} does not export:
     * without this, its first access fails with {@link IllegalAccessError}.
     */
    public static final String EXPORTS = "--add-exports";

    /** The argument of {@link #EXPORTS}. */
    public static final String INTERNAL_MISC = "java.base/jdk.internal.misc=ALL-UNNAMED";

    /** A fixed heap, so heap resizing does not land inside a measurement. */
    public static final String HEAP_MIN = "-Xms512m";

    /** See {@link #HEAP_MIN}. */
    public static final String HEAP_MAX = "-Xmx512m";

    /** JMH 1.37 itself calls {@code sun.misc.Unsafe}; JDK 24+ would print a warning in every fork. */
    public static final String UNSAFE_QUIET = "--sun-misc-unsafe-memory-access=allow";

    /** Every flag above, as one list: what the child JVMs of the plain benchmark programs get. */
    public static final List<String> FLAGS = List.of(NATIVE_ACCESS, EXPORTS, INTERNAL_MISC, HEAP_MIN, HEAP_MAX, UNSAFE_QUIET);

    private BenchJvm() {
    }

    /**
     * Runs {@code main} with {@code args} in a fresh JVM (this JVM's {@code java} and class path,
     * {@link #FLAGS}), its output going to this JVM's, and waits for it.
     *
     * @param what    the JVM in messages, e.g. "fork 2 of 'clean OPAQUE'"
     * @param timeout how long it may take; then it is killed
     * @throws IllegalStateException naming {@code what} if it fails or takes longer than {@code timeout}
     */
    public static void run(String what, Class<?> main, List<String> args, Duration timeout)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s and was killed");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with exit status " + process.exitValue());
        }
    }

    /** Deletes {@code directory}, a run's scratch space, and the files its child JVMs left in it. */
    public static void deleteScratch(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(directory);
    }
}
