package dev.sysmem.stress.report;

import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;
import org.openjdk.jcstress.infra.runners.TestConfig;
import org.openjdk.jcstress.infra.runners.TestList;
import org.openjdk.jcstress.vm.CompileMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The results of one jcstress run, read from the binary result file jcstress 0.16 writes
 * ({@code jcstress-results-*.bin.gz}) with jcstress's own reader, so that the counts and the
 * grading are exactly those jcstress printed.
 *
 * <p>Results of the same test from several forks and JVM configurations are merged, as jcstress's
 * own reports merge them. Each outcome is graded against the test's {@code @Outcome}s from the
 * {@code META-INF/TestList} on the classpath, so the tests must be on the classpath.
 *
 * <pre>{@code
 * RunResults run = RunResults.read(Path.of("target/jcstress-full"));
 * run.test("dev.sysmem.stress.generated.Atomicity_U32_Opaque_Anonymous").map(TestRun::samples);
 * }</pre>
 */
public final class RunResults {

    /** The name jcstress 0.16 gives its result file, before the timestamp. */
    public static final String RESULT_FILE_PREFIX = "jcstress-results-";

    /** One test's merged results: its status, its sample count and every graded outcome. */
    public record TestRun(String name, Status status, long samples, List<Outcome> outcomes, List<String> messages) {

        /** Samples of outcomes graded {@code expect}. */
        public long count(Expect expect) {
            return outcomes.stream().filter(o -> o.expect() == expect).mapToLong(Outcome::count).sum();
        }
    }

    /** One outcome of a test: what jcstress recorded (or a declared outcome never seen, count 0). */
    public record Outcome(String id, Expect expect, long count, String description) {
    }

    /** How jcstress was run, as far as the result file tells. */
    public record Settings(String mode, int timeMs, int iterations, int forks, int jvmConfigurations,
                           boolean splitCompilation, List<List<String>> jvmArgs) {

        /** Whether this was jcstress's sanity mode, which runs each test only a handful of times. */
        public boolean isSanity() {
            return timeMs == 0;
        }
    }

    private final Path file;
    private final boolean hasFile;
    private final Map<String, TestRun> tests;
    private final Settings settings;
    private final Map<String, String> environment;

    private RunResults(Path file, boolean hasFile, Map<String, TestRun> tests, Settings settings,
                       Map<String, String> environment) {
        this.file = file;
        this.hasFile = hasFile;
        this.tests = tests;
        this.settings = settings;
        this.environment = environment;
    }

    /**
     * The results of a run in which jcstress wrote no result file because no selected test could
     * run (for example only IRIW tests on a 2-CPU machine): no test, no settings.
     *
     * @param directory the results directory, which holds no result file
     */
    public static RunResults none(Path directory) {
        return new RunResults(directory, false, Map.of(), settings(List.of()), Map.of());
    }

    /** Whether {@code directory} holds a jcstress result file. */
    public static boolean exists(Path directory) throws IOException {
        return newestResultFile(directory).isPresent();
    }

    /**
     * Reads the newest {@code jcstress-results-*.bin.gz} in {@code directory}.
     *
     * @throws IOException if there is none, or it cannot be read
     */
    public static RunResults read(Path directory) throws IOException {
        Path file = newestResultFile(directory).orElseThrow(() -> new IOException("no " + RESULT_FILE_PREFIX
                + "*.bin.gz in " + directory.toAbsolutePath() + ": jcstress ran no test (no matching tests?), or "
                + "this is not a jcstress results directory"));
        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(file.toString(), collector);
        try {
            reader.dump();
        } catch (ClassNotFoundException e) {
            throw new IOException("cannot read " + file + ": it was written by another jcstress version", e);
        } finally {
            reader.close();
        }
        return of(file, collector.getTestResults());
    }

    /** Merges and grades {@code results}, the raw per-fork results of one run. */
    static RunResults of(Path file, Collection<TestResult> results) {
        Map<String, TestRun> tests = new TreeMap<>();
        Map<String, String> environment = Map.of();
        for (TestResult merged : ReportUtils.mergedByName(results)) {
            tests.put(merged.getName(), graded(merged));
            if (merged.getEnv() != null) {
                environment = merged.getEnv().entries();
            }
        }
        return new RunResults(file, true, tests, settings(results), environment);
    }

    private static TestRun graded(TestResult r) {
        List<Outcome> outcomes = new ArrayList<>();
        if (r.status() == Status.NORMAL && TestList.getInfo(r.getName()) != null) {
            for (GradingResult g : r.grading().gradingResults.values()) {
                outcomes.add(new Outcome(g.id, g.expect, g.count, g.description));
            }
        } else {
            // A test this classpath does not know cannot be graded: its outcomes stay UNKNOWN.
            for (String id : r.getStateKeys()) {
                outcomes.add(new Outcome(id, Expect.UNKNOWN, r.getCount(id), "not a test on this classpath"));
            }
        }
        outcomes.sort(Comparator.comparing(Outcome::count).reversed().thenComparing(Outcome::id));
        List<String> messages = new ArrayList<>(r.getMessages());
        messages.addAll(r.getVmErr());
        return new TestRun(r.getName(), r.status(), r.getTotalCount(), List.copyOf(outcomes), List.copyOf(messages));
    }

    private static Settings settings(Collection<TestResult> results) {
        Set<List<String>> jvmArgs = new HashSet<>();
        int forks = 0;
        int time = -1;
        int iterations = -1;
        boolean split = false;
        for (TestResult r : results) {
            TestConfig c = r.getConfig();
            jvmArgs.add(List.copyOf(c.jvmArgs));
            forks = Math.max(forks, c.forkId + 1);
            time = c.time;
            iterations = c.iters;
            split |= c.getCompileMode() != CompileMode.UNIFIED;
        }
        List<List<String>> args = jvmArgs.stream().sorted(Comparator.comparing(Object::toString)).toList();
        return new Settings(modeName(time, iterations), time, iterations, forks, jvmArgs.size(), split, args);
    }

    /** jcstress 0.16's preset modes, recognised by the time and iterations they set. */
    private static String modeName(int time, int iterations) {
        if (time < 0) {
            return "none (no results)";
        }
        if (time == 0) {
            return "sanity";
        }
        if (time == 200 && iterations == 5) {
            return "quick";
        }
        if (time == 1000) {
            switch (iterations) {
                case 5:
                    return "default";
                case 10:
                    return "tough";
                case 50:
                    return "stress";
                default:
                    break;
            }
        }
        return "custom";
    }

    private static Optional<Path> newestResultFile(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().startsWith(RESULT_FILE_PREFIX)
                            && p.getFileName().toString().endsWith(".bin.gz"))
                    .max(Comparator.comparing(RunResults::modified));
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /** The result file read, or the results directory when jcstress wrote none ({@link #none}). */
    public Path file() {
        return file;
    }

    /** Whether jcstress wrote a result file; false for {@link #none}. */
    public boolean hasFile() {
        return hasFile;
    }

    /** When the result file was last written, i.e. when the run ended (for {@link #none}, the directory). */
    public Instant finished() {
        return modified(file);
    }

    /** The merged results of the test named {@code name}, if it produced any. */
    public Optional<TestRun> test(String name) {
        return Optional.ofNullable(tests.get(name));
    }

    /** Every test that produced results, by name. */
    public Map<String, TestRun> tests() {
        return new LinkedHashMap<>(tests);
    }

    /** How jcstress was run. */
    public Settings settings() {
        return settings;
    }

    /** The system properties jcstress recorded ({@code java.vm.version}, {@code os.name}, ...). */
    public Map<String, String> environment() {
        return environment;
    }
}
