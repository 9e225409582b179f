package dev.sysmem.litmus;

import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs compiled litmus tests with jcstress 0.16 in a child JVM (this JDK's {@code java}), under a
 * time budget, and reads back each test's outcome counts.
 *
 * <p><b>Guarantees.</b> The child and every JVM it forks are killed when the budget runs out; the
 * call then returns whatever results jcstress had written (none, usually) and says so. jcstress
 * writes its binary result file into its working directory, which is {@code work}; only a result
 * file from this run is read.
 */
final class JcstressFork {

    /** One test's results: its jcstress status, outcome counts, and messages (exceptions, VM output). */
    record TestResults(Status status, Map<String, Long> outcomes, List<String> messages) {
    }

    /** What a run gave: results by test class name, whether the budget ran out, and the log file. */
    record RunResult(Map<String, TestResults> tests, boolean outOfTime, int exitCode, Path log) {
    }

    private JcstressFork() {
    }

    /**
     * The one JVM configuration forks run in unless all are asked for: the JVM's default tiered
     * compilation, so each fork runs its actors interpreted, then C1-, then C2-compiled. jcstress's
     * four auto-detected configurations take four times as long.
     */
    static final String SINGLE_CONFIGURATION = "-XX:+TieredCompilation";

    static RunResult run(Path work, Path classes, String testRegex, String mode, Duration budget,
                         boolean allConfigurations) throws IOException, InterruptedException {
        Files.createDirectories(work);
        try (Stream<Path> old = Files.list(work)) {
            for (Path p : old.filter(JcstressFork::isResultFile).toList()) {
                Files.delete(p);
            }
        }
        Path log = work.resolve("jcstress.log");
        // The child and jcstress's forks run everything from the class path (jcstress cannot be a
        // module, see module-info.java): native access goes to the unnamed module there.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", TestCompiler.classpath(List.of(classes)),
                "org.openjdk.jcstress.Main", "-m", mode, "-sc", "false", "-t", testRegex,
                "-r", work.resolve("jcstress-report").toString(),
                "-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED"));
        if (!allConfigurations) {
            command.addAll(List.of("-jvmArgs", SINGLE_CONFIGURATION));
        }
        Process child = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = child.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, TestResults> tests = new LinkedHashMap<>();
        Optional<Path> resultFile;
        try (Stream<Path> files = Files.list(work)) {
            resultFile = files.filter(JcstressFork::isResultFile).findFirst();
        }
        if (resultFile.isPresent()) {
            InProcessCollector collector = new InProcessCollector();
            DiskReadCollector reader = new DiskReadCollector(resultFile.get().toString(), collector);
            try {
                reader.dump();
            } catch (ClassNotFoundException e) {
                throw new IOException("cannot read " + resultFile.get() + ": written by another jcstress version", e);
            } finally {
                reader.close();
            }
            for (TestResult r : ReportUtils.mergedByName(collector.getTestResults())) {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (String id : r.getStateKeys()) {
                    counts.put(id, r.getCount(id));
                }
                List<String> messages = new ArrayList<>(r.getMessages());
                messages.addAll(r.getVmErr());
                tests.put(r.getName(), new TestResults(r.status(), counts, messages));
            }
        }
        return new RunResult(tests, !finished, finished ? child.exitValue() : -1, log);
    }

    private static boolean isResultFile(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith("jcstress-results-") && name.endsWith(".bin.gz");
    }
}
