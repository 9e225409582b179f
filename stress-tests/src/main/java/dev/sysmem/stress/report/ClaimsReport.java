package dev.sysmem.stress.report;

import dev.sysmem.cli.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
 * <p><b>Options</b> (picocli, {@code --help}). {@code --tests REGEX} the run's test filter (default
 * the filter the run recorded, else every test);
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
        return CommandLines.execute(new Arguments(out), args, out, err);
    }

    /** The command line of {@link #main}. */
    @Command(name = "ClaimsReport", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Grades a jcstress results directory against the claims and writes the Markdown and HTML "
                    + "reports. Exit 0: the report passes; 1: a cell is VIOLATED or ERROR, a selected test that fits "
                    + "the CPUs has no result, or the run is empty; 2: bad arguments, or a directory that holds "
                    + "neither jcstress results nor a run record.")
    static final class Arguments implements Callable<Integer> {

        private final PrintStream out;

        @Option(names = "--results", required = true, paramLabel = "DIR", description = "The jcstress results directory.")
        Path results;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the report goes.")
        Path target;

        @Option(names = "--tests", paramLabel = "REGEX", description = "The run's test filter (default: the one the "
                + "run recorded, else every test).")
        String tests;

        @Option(names = "--cpus", paramLabel = "N", description = "The -c jcstress ran with, when the results "
                + "directory does not record it.")
        int cpus;

        @Option(names = "--section", paramLabel = "FILE", description = "A table from another run to include "
                + "(repeatable); see ReportSection for the file's shape.")
        List<Path> sections = new ArrayList<>();

        @Spec
        CommandSpec spec;

        Arguments(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            if (cpus < 0) {
                throw new ParameterException(spec.commandLine(), "--cpus takes a positive number, not '" + cpus + "'");
            }
            try {
                Pattern selected = Pattern.compile(tests != null ? tests : Machine.recordedTests(results).orElse(".*"));
                List<ReportSection> read = new ArrayList<>();
                for (Path section : sections) {
                    read.add(ReportSection.read(section));
                }
                ClaimsReport report = of(results, selected, cpus, read);
                List<Path> files = report.writeTo(target);
                out.println("Claims report: " + report.verdict());
                for (Path f : files) {
                    out.println("  " + f.toAbsolutePath());
                }
                return report.passes() ? 0 : 1;
            } catch (IOException | IllegalArgumentException e) {
                // Bad input: the directory holds no run, a section is malformed, the regex is wrong.
                spec.commandLine().getErr().println("claims report: " + e.getMessage());
                return 2;
            }
        }
    }
}
