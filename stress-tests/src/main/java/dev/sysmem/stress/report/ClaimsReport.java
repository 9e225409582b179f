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
 * HOLDS, VIOLATED, ALLOWED-AND-SEEN, ALLOWED-NOT-SEEN, CONTROL-NOT-SEEN, NOT-RUN or ERROR.
 *
 * <p><b>Exit status.</b> 0 when the report passes; 1 when any cell is VIOLATED or ERROR, any
 * control was not seen in a run that was not jcstress's sanity mode, a selected test that fits the
 * machine has no result, or no test produced any result at all (an empty run); 2 for bad arguments
 * or a directory without jcstress results.
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

    private ClaimsReport(ClaimMatrix matrix, RunResults run, Machine machine, Pattern selected) {
        this.matrix = matrix;
        this.run = run;
        this.machine = machine;
        this.selected = selected;
        this.failures = failures(matrix, run);
    }

    /** Grades the run in {@code results} against the suite on the classpath. */
    public static ClaimsReport of(Path results, Pattern selected) throws IOException {
        RunResults run = RunResults.read(results);
        Machine machine = Machine.current(run.environment());
        return new ClaimsReport(ClaimMatrix.of(Suite.onClasspath(), run, machine.cores(), selected), run, machine, selected);
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

    /** One line: PASS or FAIL, and why. */
    public String verdict() {
        return passes() ? "PASS: no claim violated, no test broken" + (run.settings().isSanity() ? "" : ", every control seen")
                : "FAIL: " + String.join(", ", failures);
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
        try {
            for (int i = 0; i < args.length; i += 2) {
                String value = required(i + 1 < args.length ? args[i + 1] : null, args[i]);
                switch (args[i]) {
                    case "--results" -> results = Path.of(value);
                    case "--out" -> target = Path.of(value);
                    case "--tests" -> tests = value;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + usage());
                }
            }
            if (results == null || target == null) {
                throw new IllegalArgumentException(usage());
            }
            ClaimsReport report = of(results, Pattern.compile(tests));
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

    private static String required(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value\n" + usage());
        }
        return value;
    }

    private static String usage() {
        return "usage: ClaimsReport --results JCSTRESS_RESULTS_DIR --out REPORT_DIR [--tests REGEX]";
    }
}
