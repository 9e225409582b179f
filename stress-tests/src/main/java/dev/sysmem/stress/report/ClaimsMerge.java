package dev.sysmem.stress.report;

import dev.sysmem.cli.CommandLines;
import dev.sysmem.stress.report.ClaimMatrix.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Claims reports of several runs merged into one table, a column per run: how users cover what one
 * machine cannot show (IRIW needs four CPUs, MP and LB need weakly ordered hardware such as
 * aarch64), or compare JVM configurations on one machine.
 *
 * <p>Each run is graded on its own, against its own machine and {@code -c} (recorded by
 * {@code SuiteRun} in {@value Machine#FILE}), exactly as its own report grades it; the merge only
 * lays the verdicts side by side. A row says, over all runs, whether the claim was violated
 * anywhere, held with evidence somewhere, or was never demonstrated.
 *
 * <pre>{@code
 * java -cp stress-tests/target/jcstress.jar dev.sysmem.stress.report.ClaimsMerge \
 *     --run x86-64=results/x86 --run aarch64=results/arm --out merged
 * }</pre>
 *
 * <p><b>Exit status.</b> 0 when every run's report passes; 1 when one fails (its failures are
 * listed); 2 for bad arguments or a directory that holds no run.
 */
public final class ClaimsMerge {

    /** File name of the merged Markdown report. */
    public static final String MARKDOWN = "claims-merged.md";

    private final Map<String, ClaimsReport> runs;

    private ClaimsMerge(Map<String, ClaimsReport> runs) {
        this.runs = runs;
    }

    /** Grades each run (label → results directory) against the suite on the classpath. */
    public static ClaimsMerge of(Map<String, Path> runs) throws IOException {
        Map<String, ClaimsReport> reports = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : runs.entrySet()) {
            reports.put(e.getKey(), ClaimsReport.of(e.getValue(), selection(e.getValue()), 0, List.of()));
        }
        return new ClaimsMerge(reports);
    }

    /** The test filter a run recorded ({@code -t} in its options), else every test. */
    private static Pattern selection(Path results) throws IOException {
        if (Files.exists(results.resolve(Machine.FILE))) {
            String options = Machine.of(results, Map.of(), 0).options();
            List<String> words = List.of(options.split("\\s+"));
            int t = words.indexOf("-t");
            if (t >= 0 && t + 1 < words.size()) {
                return Pattern.compile(words.get(t + 1));
            }
        }
        return Pattern.compile(".*");
    }

    /** The graded runs, by label. */
    public Map<String, ClaimsReport> runs() {
        return runs;
    }

    /** Whether every run passes. */
    public boolean passes() {
        return runs.values().stream().allMatch(ClaimsReport::passes);
    }

    /**
     * The verdict of one claim cell over all runs: VIOLATED if any run violated it, HOLDS if one
     * showed it with evidence, else the best any run managed (HOLDS-UNTESTABLE-HERE, INSUFFICIENT,
     * NOT-RUN), or "—" for a position no run has.
     */
    public static String overall(List<Optional<Cell>> cells) {
        List<CellState> states = cells.stream().flatMap(Optional::stream).map(Cell::state).toList();
        for (CellState s : List.of(CellState.VIOLATED, CellState.ERROR, CellState.HOLDS, CellState.ALLOWED_AND_SEEN,
                CellState.HOLDS_UNTESTABLE_HERE, CellState.ALLOWED_NOT_SEEN, CellState.CONTROL_NOT_SEEN,
                CellState.INSUFFICIENT, CellState.NOT_RUN)) {
            if (states.contains(s)) {
                return s.label();
            }
        }
        return "—";
    }

    /** The merged report as Markdown: the runs, then one row per cell of the suite, a column per run. */
    public String markdown() {
        StringBuilder out = new StringBuilder("# sysmem claims, merged over " + runs.size() + " runs\n\n");
        out.append(passes() ? "PASS: every run passes" : "FAIL: " + String.join("; ", runs.entrySet().stream()
                .filter(e -> !e.getValue().passes()).map(e -> e.getKey() + ": " + String.join(", ", e.getValue().failures()))
                .toList())).append("\n\n| Run | CPU | JVM | jcstress | Verdict |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, ClaimsReport> e : runs.entrySet()) {
            Machine m = e.getValue().machine();
            out.append("| ").append(e.getKey()).append(" | ").append(escape(m.cpu() + " (" + m.arch() + "), " + m.cores()
                    + " CPUs, -c " + m.jcstressCpus())).append(" | ").append(escape(m.jvm())).append(" | ")
                    .append(escape(m.options().isEmpty() ? e.getValue().run().settings().mode() : m.options()))
                    .append(" | ").append(escape(e.getValue().verdict())).append(" |\n");
        }
        List<String> labels = new ArrayList<>(runs.keySet());
        ClaimMatrix first = runs.values().iterator().next().matrix();
        out.append("\n| Claim | Width | Column | Segment | ").append(String.join(" | ", labels)).append(" | Over all runs |\n|")
                .append("---|".repeat(5 + labels.size())).append('\n');
        for (Cell c : first.cells()) {
            Column column = new Column(c.breakage().isPresent() ? Optional.empty() : Optional.of(c.mode()), c.breakage());
            List<Optional<Cell>> row = runs.values().stream()
                    .map(r -> r.matrix().at(c.property(), column, c.segment(), c.width())).toList();
            if (row.stream().flatMap(Optional::stream).allMatch(x -> x.state() == CellState.NOT_RUN
                    && x.reason().equals(ClaimMatrix.NOT_SELECTED))) {
                continue;
            }
            out.append("| ").append(c.property().title()).append(" | ").append(Findings.widthLabel(c.width())).append(" | ")
                    .append(column.title()).append(" | ").append(c.segment().map(Findings::segmentLabel).orElse("—"));
            for (Optional<Cell> cell : row) {
                out.append(" | ").append(cell.map(Cell::shortText).orElse("—"));
            }
            out.append(" | ").append(overall(row)).append(" |\n");
        }
        return out.toString();
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Merges as {@link #main} does, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(new Arguments(out), args, out, err);
    }

    /** The command line of {@link #main}. */
    @Command(name = "ClaimsMerge", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Merges the claims of several runs into one table, a column per run. Exit 0: every run's "
                    + "report passes; 1: one fails; 2: bad arguments, or a directory that holds no run.")
    static final class Arguments implements Callable<Integer> {

        private final PrintStream out;

        @Option(names = "--run", required = true, paramLabel = "LABEL=RESULTS_DIR", description = "A run's label (the "
                + "column's title) and its jcstress results directory (repeatable, in column order).")
        List<String> runs;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged report goes.")
        Path target;

        @Spec
        CommandSpec spec;

        Arguments(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            Map<String, Path> labelled = new LinkedHashMap<>();
            for (String run : runs) {
                int eq = run.indexOf('=');
                if (eq <= 0 || eq == run.length() - 1) {
                    throw new ParameterException(spec.commandLine(), "--run takes LABEL=RESULTS_DIR, not '" + run + "'");
                }
                if (labelled.put(run.substring(0, eq), Path.of(run.substring(eq + 1))) != null) {
                    throw new ParameterException(spec.commandLine(), "two runs are labelled '" + run.substring(0, eq) + "'");
                }
            }
            try {
                ClaimsMerge merge = of(labelled);
                Files.createDirectories(target);
                Path md = Files.writeString(target.resolve(MARKDOWN), merge.markdown());
                out.println("Claims merged over " + labelled.size() + " runs: " + (merge.passes() ? "PASS" : "FAIL"));
                out.println("  " + md.toAbsolutePath());
                return merge.passes() ? 0 : 1;
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("claims merge: " + e.getMessage());
                return 2;
            }
        }
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
