package dev.sysmem.litmus;

import dev.sysmem.cli.DurationConverter;
import dev.sysmem.cli.ExitCode;
import dev.sysmem.explore.weak.ProgramExplorer;
import dev.sysmem.litmus.explore.LitmusExploration;
import dev.sysmem.litmus.explore.ModelReport;
import dev.sysmem.litmus.model.LitmusParser;
import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.LitmusSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The {@code litmus} command: {@code litmus run FILE|DIR...} runs herd-format C litmus tests
 * through SysMem on this machine and prints a verdict per test.
 *
 * <p><b>Exit codes</b> ({@code litmus run}):
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><td>0</td><td>every test is CONSISTENT, STRONGER-THAN-MODEL, NOT-PROMISED, UNSUPPORTED or NOT-RUN</td></tr>
 *   <tr><td>1</td><td>a VIOLATION (an outcome the model forbids was seen) or an ERROR (a test threw,
 *       crashed or the time budget ran out), or the weak-memory model reached an outcome LKMM forbids
 *       (MODEL-WEAKER: a model bug)</td></tr>
 *   <tr><td>2</td><td>a usage error: unknown option, bad value, missing file, or a malformed litmus file
 *       (each named with line and column); nothing was run</td></tr>
 * </table>
 *
 * <pre>
 * litmus run litmus/src/test/litmus                          # every file, jcstress quick mode
 * litmus run --mode sanity --report target/litmus-report MP+poonceonces.litmus
 * </pre>
 * Through Maven: {@code mvn -B -q -pl litmus -am process-classes -Plitmus -Dlitmus.args="run FILE..."}.
 * The class is a standalone picocli command; {@link LitmusSysmemCommand} registers it as {@code sysmem litmus}.
 */
@Command(name = "litmus", description = LitmusCommand.DESCRIPTION, subcommands = {LitmusCommand.Run.class, LitmusCommand.Explore.class}, synopsisSubcommandLabel = "COMMAND",
        mixinStandardHelpOptions = false)
public final class LitmusCommand implements Runnable {

    /** What {@code litmus} does, in one line: its help and the launcher's list of commands show it. */
    static final String DESCRIPTION = "Herd-format C litmus tests (the Linux kernel's memory-model tests) run "
            + "through SysMem on this machine.";

    /** Exit code: a VIOLATION or an ERROR ({@link ExitCode#FAILED}). */
    public static final int EXIT_FAILED = ExitCode.FAILED;
    /** Exit code: a usage error or a malformed litmus file ({@link ExitCode#USAGE}). */
    public static final int EXIT_USAGE = ExitCode.USAGE;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, ready to execute. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LitmusCommand());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("litmus: " + (e instanceof IOException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException ? e.getMessage() : "unexpected error: " + e));
            if (!(e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
                e.printStackTrace(command.getErr());
            }
            command.getErr().flush();
            return EXIT_FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: run or explore");
    }

    /**
     * Parses every litmus file in {@code paths}; null (after printing each file's error, with its
     * line and column) if any is malformed, so that nothing is {@code done} on a partial set.
     *
     * @throws IllegalArgumentException if the paths hold no litmus file
     */
    static List<LitmusProgram> parseAll(List<Path> paths, PrintStream err, String done) throws IOException {
        List<Path> files = LitmusRun.litmusFiles(paths);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .litmus file in " + paths);
        }
        List<LitmusProgram> programs = new ArrayList<>();
        List<LitmusSyntaxException> malformed = new ArrayList<>();
        for (Path f : files) {
            try {
                programs.add(LitmusParser.parse(f));
            } catch (LitmusSyntaxException e) {
                malformed.add(e);
            }
        }
        if (!malformed.isEmpty()) {
            malformed.forEach(e -> err.println("litmus: " + e.getMessage()));
            err.println("litmus: " + malformed.size() + " malformed file(s); nothing was " + done);
            return null;
        }
        return programs;
    }

    /** {@code litmus run}. */
    @Command(name = "run", description = "Translate, run with jcstress and judge each test against its Result: line.",
            mixinStandardHelpOptions = true)
    public static final class Run implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Litmus files, or directories searched for "
                + "*.litmus files.")
        List<Path> paths;

        @Option(names = "--mode", defaultValue = "quick", description = "jcstress mode: sanity, quick, default, tough, "
                + "stress (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--time-budget", defaultValue = "30m", converter = DurationConverter.class,
                description = "Wall-clock limit of the jcstress run, e.g. 90s, 5m, 1h, PT1M30S (default: ${DEFAULT-VALUE}).")
        Duration budget;

        @Option(names = "--all-jvm-configurations", description = "Run each test in jcstress's auto-detected JVM "
                + "configurations (interpreter, C1, C2, ...: four times longer) instead of one tiered configuration.")
        boolean allConfigurations;

        @Option(names = "--work", description = "Where generated sources, classes and jcstress's log go (default: a "
                + "new temporary directory).")
        Path work;

        @Option(names = "--report", description = "Write " + LitmusReport.MARKDOWN + ", " + LitmusReport.HTML + " and "
                + LitmusReport.SECTION + " (for the claims report) into this directory.")
        Path report;

        @Option(names = "--model", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Also explore each test exhaustively on the weak-memory model (as `litmus explore` does) "
                        + "and show what it allows beside what this machine showed; a Never outcome the model reaches "
                        + "fails the run (default: on; --no-model turns it off).")
        boolean model;

        @Override
        public Integer call() throws Exception {
            if (!List.of("sanity", "quick", "default", "tough", "stress").contains(mode)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--mode must be sanity, quick, default, "
                        + "tough or stress, was '" + mode + "'");
            }
            if (budget.isZero()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--time-budget must be more than 0");
            }
            for (Path p : paths) {
                if (!Files.exists(p)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no such litmus file or directory: " + p);
                }
            }
            return run(System.out, System.err);
        }

        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            List<LitmusProgram> programs = parseAll(paths, err, "run");
            if (programs == null) {
                return EXIT_USAGE;
            }
            Path dir = work != null ? work : Files.createTempDirectory("sysmem-litmus");
            LitmusRun.Settings settings = new LitmusRun.Settings(mode, budget, dir, allConfigurations);
            List<TestVerdict> rows = LitmusRun.run(programs, settings, out);
            Map<String, ModelColumn> columns = new LinkedHashMap<>();
            if (model) {
                ProgramExplorer explorer = new ProgramExplorer(8, Explore.DEFAULT_MAX_EXECUTIONS, 1_000);
                for (LitmusProgram p : programs) {
                    columns.put(p.file(), LitmusExploration.of(p, explorer).column());
                }
            }
            String header = header(settings) + (model ? " Model: exhaustive exploration on sysmem's weak-memory model, at "
                    + "most " + Explore.DEFAULT_MAX_EXECUTIONS + " executions per test; " + LitmusExploration.LIMITS + "." : "");
            out.println();
            out.println(header);
            out.print(LitmusReport.markdownTable(rows, columns));
            out.println(LitmusReport.summary(rows, columns));
            if (report != null) {
                LitmusReport.write(report, header, rows, columns);
                out.println("litmus: report in " + report.resolve(LitmusReport.MARKDOWN) + ", " + LitmusReport.HTML + " and "
                        + LitmusReport.SECTION);
            }
            boolean failed = rows.stream().anyMatch(r -> r.verdict().failsRun())
                    || columns.values().stream().anyMatch(ModelColumn::failsRun);
            return failed ? EXIT_FAILED : ExitCode.OK;
        }

        private static String header(LitmusRun.Settings settings) {
            String load;
            try {
                load = Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
            } catch (IOException | RuntimeException e) {
                load = "unknown";
            }
            return String.format(Locale.ROOT, "%s; %d CPUs (%s), load average %s at the end; %s %s; jcstress 0.16 -m %s, %s.",
                    OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE), Runtime.getRuntime()
                            .availableProcessors(), System.getProperty("os.arch"), load, System.getProperty("java.vm.name"),
                    System.getProperty("java.vm.version"), settings.mode(), settings.allJvmConfigurations()
                            ? "every auto-detected JVM configuration" : "one JVM configuration (tiered compilation)")
                    + (settings.mode().equals("sanity") ? " Sanity mode runs each test a handful of times: it checks the "
                    + "pipeline, not the hardware; a Never seen as Never here is weak evidence." : "");
        }
    }

    /** {@code litmus explore}. */
    @Command(name = "explore", description = "Explore each test exhaustively on sysmem's weak-memory model (every "
            + "interleaving and every value each access mode lets a read return) and judge the reachable outcomes "
            + "against its Result: line.", mixinStandardHelpOptions = true)
    public static final class Explore implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Litmus files, or directories searched for "
                + "*.litmus files.")
        List<Path> paths;

        /** How many executions a test may take before it is INCOMPLETE, unless told otherwise. */
        static final long DEFAULT_MAX_EXECUTIONS = 1_000_000;

        @Option(names = "--max-executions", defaultValue = "" + DEFAULT_MAX_EXECUTIONS, description = "Stop exploring a test after this "
                + "many executions and call it INCOMPLETE (default: ${DEFAULT-VALUE}).")
        long maxExecutions;

        @Option(names = "--report", description = "Write " + ModelReport.MARKDOWN + ", " + ModelReport.HTML + " and "
                + ModelReport.SECTION + " (for the claims report) into this directory.")
        Path report;

        @Override
        public Integer call() throws Exception {
            if (maxExecutions < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-executions must be at least 1, was "
                        + maxExecutions);
            }
            for (Path p : paths) {
                if (!Files.exists(p)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no such litmus file or directory: " + p);
                }
            }
            return explore(System.out, System.err);
        }

        int explore(PrintStream out, PrintStream err) throws IOException {
            List<LitmusProgram> programs = parseAll(paths, err, "explored");
            if (programs == null) {
                return EXIT_USAGE;
            }
            ProgramExplorer explorer = new ProgramExplorer(8, maxExecutions, 1_000);
            List<LitmusExploration> rows = new ArrayList<>();
            for (LitmusProgram p : programs) {
                rows.add(LitmusExploration.of(p, explorer));
            }
            String header = String.format(Locale.ROOT, "%s; exhaustive exploration on sysmem's weak-memory model "
                    + "(view-based, promise-free), at most %d executions per test.",
                    OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE), maxExecutions);
            out.println(header);
            out.println(LitmusExploration.LIMITS + ".");
            out.print(ModelReport.markdownTable(rows));
            out.println(ModelReport.summary(rows));
            if (report != null) {
                ModelReport.write(report, header, rows);
                out.println("litmus: report in " + report.resolve(ModelReport.MARKDOWN) + ", " + ModelReport.HTML + " and "
                        + ModelReport.SECTION);
            }
            return rows.stream().anyMatch(r -> r.verdict().failsRun()) ? EXIT_FAILED : ExitCode.OK;
        }
    }
}
