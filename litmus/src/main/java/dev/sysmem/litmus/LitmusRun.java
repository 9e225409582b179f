package dev.sysmem.litmus;

import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.ModelResult;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs parsed litmus programs on this machine: translates each ({@link JcstressTranslator}),
 * compiles the translations ({@link TestCompiler}), runs them in one jcstress child JVM
 * ({@link JcstressFork}) and grades each against its file's {@code Result:}
 * ({@link Observation#verdict}).
 *
 * <pre>{@code
 * List<TestVerdict> rows = LitmusRun.run(List.of(LitmusParser.parse(Path.of("MP+poonceonces.litmus"))),
 *         new LitmusRun.Settings("quick", Duration.ofMinutes(5), Path.of("target/litmus"), false), System.out);
 * }</pre>
 *
 * <p><b>Guarantees.</b> Every program gets exactly one row, in the order given. A test that needs
 * more actors (processes) than the machine has CPUs is NOT-RUN, with the counts: jcstress 0.16
 * never runs more actor threads than CPUs. The whole jcstress run is bounded by the budget.
 */
public final class LitmusRun {

    /**
     * How to run.
     *
     * @param mode   the jcstress mode preset: sanity, quick, default, tough or stress
     * @param budget the wall-clock budget of the jcstress run
     * @param work   where sources, classes, jcstress's report and log go (emptied of old ones first)
     * @param allJvmConfigurations run each test in jcstress's auto-detected JVM configurations
     *               (interpreter, C1, C2, ...) instead of one tiered configuration (four times longer)
     */
    public record Settings(String mode, Duration budget, Path work, boolean allJvmConfigurations) {
        public Settings {
            if (!List.of("sanity", "quick", "default", "tough", "stress").contains(mode)) {
                throw new IllegalArgumentException("jcstress mode must be sanity, quick, default, tough or stress, was "
                        + mode);
            }
            if (budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("the time budget must be positive, was " + budget);
            }
        }
    }

    private LitmusRun() {
    }

    /** Runs {@code programs}; prints progress lines to {@code progress}. */
    public static List<TestVerdict> run(List<LitmusProgram> programs, Settings settings, PrintStream progress)
            throws IOException, InterruptedException {
        int cpus = Runtime.getRuntime().availableProcessors();
        List<Translation> translations = new ArrayList<>();
        List<Translation.Test> runnable = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            Translation t = JcstressTranslator.translate(programs.get(i), JcstressTranslator.className(i,
                    programs.get(i).name()));
            translations.add(t);
            if (t instanceof Translation.Test test && test.program().processes().size() <= cpus) {
                runnable.add(test);
            }
        }
        JcstressFork.RunResult results = null;
        if (!runnable.isEmpty()) {
            Path sources = settings.work().resolve("sources");
            Path classes = settings.work().resolve("classes");
            deleteTree(sources);
            deleteTree(classes);
            TestCompiler.compile(runnable, sources, classes);
            String regex = "^(" + runnable.stream().map(t -> t.className().replace(".", "\\."))
                    .collect(Collectors.joining("|")) + ")$";
            progress.printf("litmus: running %d test(s) with jcstress -m %s (budget %s, log %s)%n", runnable.size(),
                    settings.mode(), settings.budget(), settings.work().resolve("jcstress.log"));
            long start = System.nanoTime();
            results = JcstressFork.run(settings.work(), classes, regex, settings.mode(), settings.budget(),
                    settings.allJvmConfigurations());
            progress.printf("litmus: jcstress took %d s%s%n", (System.nanoTime() - start) / 1_000_000_000L,
                    results.outOfTime() ? " and ran out of time" : "");
        }
        List<TestVerdict> rows = new ArrayList<>();
        for (Translation t : translations) {
            rows.add(row(t, results, cpus));
        }
        return Collections.unmodifiableList(rows);
    }

    private static TestVerdict row(Translation t, JcstressFork.RunResult results, int cpus) {
        LitmusProgram p = t.program();
        String lkmm = p.result().orElse("-");
        String condition = p.condition().text();
        if (t instanceof Translation.Refused r) {
            return new TestVerdict(p.name(), p.file(), lkmm, condition, Optional.empty(), Verdict.UNSUPPORTED, r.reason());
        }
        Translation.Test test = (Translation.Test) t;
        int actors = p.processes().size();
        if (actors > cpus) {
            return new TestVerdict(p.name(), p.file(), lkmm, condition, Optional.empty(), Verdict.NOT_RUN,
                    "needs " + actors + " CPUs (one per process); this machine has " + cpus);
        }
        JcstressFork.TestResults r = results.tests().get(test.className());
        if (r == null) {
            return new TestVerdict(p.name(), p.file(), lkmm, condition, Optional.empty(), Verdict.ERROR,
                    results.outOfTime() ? "the time budget ran out before it ran"
                            : "jcstress produced no result for it (exit code " + results.exitCode() + "; see "
                            + results.log() + ")");
        }
        if (r.status() != org.openjdk.jcstress.infra.Status.NORMAL) {
            return new TestVerdict(p.name(), p.file(), lkmm, condition, Optional.empty(), Verdict.ERROR,
                    "jcstress status " + r.status() + r.messages().stream().filter(m -> !m.isBlank()).findFirst()
                            .map(m -> ": " + m.strip()).orElse(""));
        }
        Observation o = Observation.of(p.condition(), test.observables(), r.outcomes());
        ModelResult expected = p.modelResult().orElseThrow();
        Verdict v = o.verdict(expected, test.restsOnDependency());
        String note = switch (v) {
            case VIOLATION -> "the model says " + expected.word() + "; " + (expected == ModelResult.ALWAYS
                    ? o.refuted() + " sample(s) refuted the condition" : o.satisfied() + " sample(s) satisfied it");
            case NOT_PROMISED -> "LKMM forbids by dependency; sysmem's mapping does not promise it ("
                    + test.dependencies().getFirst() + "); seen " + o.satisfied() + " time(s)";
            case STRONGER_THAN_MODEL -> "allowed by the model, not seen in this run";
            case NOT_RUN -> "no sample was judged" + (o.filtered() > 0 ? " (the filter left out all " + o.filtered() + ")" : "");
            default -> "";
        };
        return new TestVerdict(p.name(), p.file(), lkmm, condition, Optional.of(o), v, note);
    }

    /** The {@code .litmus} files named: files as given, directories searched recursively, sorted by path. */
    public static List<Path> litmusFiles(List<Path> arguments) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path a : arguments) {
            if (Files.isDirectory(a)) {
                try (Stream<Path> walk = Files.walk(a)) {
                    walk.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".litmus"))
                            .sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(a)) {
                out.add(a);
            } else {
                throw new java.nio.file.NoSuchFileException(a.toString(), null, "no such litmus file or directory");
            }
        }
        return out;
    }

    /** Counts of each verdict, for a summary line. */
    public static Map<Verdict, Long> tally(List<TestVerdict> rows) {
        Map<Verdict, Long> out = new java.util.EnumMap<>(Verdict.class);
        rows.forEach(r -> out.merge(r.verdict(), 1L, Long::sum));
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
