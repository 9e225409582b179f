package dev.sysmem.stress.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The claims report: reads a jcstress results directory and writes, next to each other, a
 * Markdown table ({@code claims-report.md}) and a self-contained HTML page with a coloured matrix
 * ({@code claims-report.html}): rows are the claims, columns mode × segment × width, each cell
 * HOLDS, HOLDS-UNTESTABLE-HERE, INSUFFICIENT, VIOLATED, ALLOWED-AND-SEEN, ALLOWED-NOT-SEEN,
 * CONTROL-NOT-SEEN, NOT-RUN or ERROR (see {@link ClaimMatrix} for the grading).
 *
 * <p><b>Exit status.</b> 0 when the report passes; 1 when any cell is VIOLATED or ERROR, a
 * selected test that fits the CPUs jcstress ran with has no result, or no test produced any result
 * at all (an empty run, whose report still says why each selected test did not run); 2 for bad
 * arguments or a directory that holds neither jcstress results nor a run record ({@link Machine#FILE}).
 *
 * <p><b>Options.</b> {@code --tests REGEX} the run's test filter (default every test);
 * {@code --cpus N} the {@code -c} jcstress ran with, when the results directory does not record it;
 * {@code --section FILE} (repeatable) a table from another run to include, see {@link ReportSection}.
 *
 * <pre>{@code
 * java -cp stress-tests/target/jcstress.jar dev.sysmem.stress.report.ClaimsReport \
 *     --results stress-tests/target/jcstress-full --out stress-tests/target/claims-report
 * }</pre>
 */
public final class ClaimsReport {

    /** File name of the Markdown report. */
    public static final String MARKDOWN = "claims-report.md";
    /** File name of the HTML report. */
    public static final String HTML = "claims-report.html";

    private final ClaimMatrix matrix;
    private final RunResults run;
    private final Machine machine;
    private final Pattern selected;
    private final List<String> failures;
    private final List<ReportSection> sections;

    private ClaimsReport(ClaimMatrix matrix, RunResults run, Machine machine, Pattern selected,
                         List<ReportSection> sections) {
        this.matrix = matrix;
        this.run = run;
        this.machine = machine;
        this.selected = selected;
        this.failures = failures(matrix, run);
        this.sections = List.copyOf(sections);
    }

    /** Grades the run in {@code results} against the suite on the classpath. */
    public static ClaimsReport of(Path results, Pattern selected) throws IOException {
        return of(results, selected, 0, List.of());
    }

    /**
     * Grades the run in {@code results} against the suite on the classpath.
     *
     * @param cpus     the {@code -c} jcstress ran with, when {@code results} does not record it; 0 for
     *                 the recorded value, else this machine's CPUs
     * @param sections tables from other runs to include
     * @throws IOException if {@code results} holds neither a result file nor a run record
     */
    public static ClaimsReport of(Path results, Pattern selected, int cpus, List<ReportSection> sections) throws IOException {
        RunResults run = RunResults.exists(results) || !Files.exists(results.resolve(Machine.FILE))
                ? RunResults.read(results) : RunResults.none(results);
        Machine machine = Machine.of(results, run.environment(), cpus);
        return new ClaimsReport(ClaimMatrix.of(Suite.onClasspath(), run, machine.jcstressCpus(), selected), run, machine,
                selected, sections);
    }

    /** Tables from other runs, shown after the matrix. */
    public List<ReportSection> sections() {
        return sections;
    }

    private static List<String> failures(ClaimMatrix matrix, RunResults run) {
        List<String> reasons = new ArrayList<>();
        if (run.tests().isEmpty()) {
            reasons.add("empty run: no test produced any result");
        }
        for (CellState state : CellState.values()) {
            long n = matrix.failing().stream().filter(c -> c.state() == state).count();
            if (n > 0) {
                reasons.add(n + " " + state.label() + " cell" + (n == 1 ? "" : "s"));
            }
        }
        return List.copyOf(reasons);
    }

    /** Writes {@value #MARKDOWN} and {@value #HTML} into {@code directory}; returns the two files. */
    public List<Path> writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path md = directory.resolve(MARKDOWN);
        Path html = directory.resolve(HTML);
        Files.writeString(md, MarkdownReport.render(this));
        Files.writeString(html, HtmlReport.render(this));
        return List.of(md, html);
    }

    /** Whether the report passes: nothing violated, broken, missing or blind. */
    public boolean passes() {
        return failures.isEmpty();
    }

    /** Why the report fails; empty when it passes. */
    public List<String> failures() {
        return failures;
    }

    /** The graded matrix. */
    public ClaimMatrix matrix() {
        return matrix;
    }

    /** The run's results. */
    public RunResults run() {
        return run;
    }

    /** The machine the run was on. */
    public Machine machine() {
        return machine;
    }

    /** The run's test filter. */
    public Pattern selected() {
        return selected;
    }

    /** When the run ended. */
    public Instant finished() {
        return run.finished();
    }

    /**
     * One line: PASS or FAIL and why, then what the claims rest on: how many cells HOLD with
     * evidence, how many could not be tested here or lacked samples, which controls were seen,
     * which were not, and which tests did not run.
     */
    public String verdict() {
        return (passes() ? "PASS: no claim violated, no test broken" : "FAIL: " + String.join(", ", failures))
                + "; " + Findings.evidence(matrix);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Makes the report as {@link #main} does, printing to {@code out} and {@code err}; returns the
     * exit status.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path results = null;
        Path target = null;
        String tests = ".*";
        int cpus = 0;
        List<ReportSection> sections = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i += 2) {
                String value = required(i + 1 < args.length ? args[i + 1] : null, args[i]);
                switch (args[i]) {
                    case "--results" -> results = Path.of(value);
                    case "--out" -> target = Path.of(value);
                    case "--tests" -> tests = value;
                    case "--cpus" -> cpus = positive(value, "--cpus");
                    case "--section" -> sections.add(ReportSection.read(Path.of(value)));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + usage());
                }
            }
            if (results == null || target == null) {
                throw new IllegalArgumentException(usage());
            }
            ClaimsReport report = of(results, Pattern.compile(tests), cpus, sections);
            List<Path> files = report.writeTo(target);
            out.println("Claims report: " + report.verdict());
            for (Path f : files) {
                out.println("  " + f.toAbsolutePath());
            }
            return report.passes() ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("claims report: " + e.getMessage());
            return 2;
        }
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below with the option's name.
        }
        throw new IllegalArgumentException(option + " takes a positive number, not '" + value + "'");
    }

    private static String required(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value\n" + usage());
        }
        return value;
    }

    private static String usage() {
        return "usage: ClaimsReport --results JCSTRESS_RESULTS_DIR --out REPORT_DIR [--tests REGEX] [--cpus N] "
                + "[--section FILE]...";
    }
}
