package dev.sysmem.stress;

import dev.sysmem.cli.DurationConverter;
import dev.sysmem.cli.ExitCode;
import dev.sysmem.cli.SysmemCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code sysmem claims}: runs the generated jcstress suites and the claims report
 * ({@link SuiteRun}) in a JVM of its own, on the class path, because jcstress starts its forks with
 * the class path of the JVM that runs it. The child inherits the terminal; its exit code is the
 * command's (0: every claim held and every control was seen; 1: not, or the run failed).
 *
 * <pre>
 * sysmem claims                               # the full matrix, jcstress quick mode (about 10 minutes here)
 * sysmem claims --tests MessagePassing_U32 --mode sanity
 * </pre>
 */
@Command(name = "claims", sortOptions = false,
        description = {ClaimsCommand.DESCRIPTION,
                "Exit code: 0 every claim held and every control was seen, 1 otherwise, 2 usage error."})
public final class ClaimsCommand implements Callable<Integer>, SysmemCommand {

    /** What {@code claims} does, in one line: its help and the launcher's list of commands show it. */
    static final String DESCRIPTION = "Run the jcstress claims suites over SysMem and write the claims report.";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--tests", paramLabel = "REGEX", description = "Run only the tests whose names match, e.g. MessagePassing_U32.")
    String tests;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "quick",
            description = "jcstress mode: sanity, quick, default or tough (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "claims",
            description = "Where the jcstress results (DIR/jcstress) and the report (DIR/report) go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "3h", converter = DurationConverter.class,
            description = "Stop the run if it takes longer than this (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Override
    public String name() {
        return "claims";
    }

    @Override
    public CommandLine commandLine() {
        return new CommandLine(new ClaimsCommand());
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("sanity", "quick", "default", "tough").contains(mode)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mode must be sanity, quick, default or tough, was '" + mode + "'");
        }
        if (deadline.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--deadline must be positive, was 0");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs this command")));
        // The child runs from the class path (jcstress finds tests and starts forks only there).
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(classPath());
        command.add(SuiteRun.class.getName());
        command.addAll(List.of("--results", out.resolve("jcstress").toString(), "--report", out.resolve("report").toString(), "--"));
        command.addAll(List.of("-m", mode, "-sc", "false", "-jvmArgs", "-XX:+TieredCompilation"));
        if (tests != null) {
            command.addAll(List.of("-t", tests));
        }
        Process run = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!run.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
                spec.commandLine().getErr().println("sysmem claims: the run did not finish within " + deadline + "; stopped it");
                return ExitCode.FAILED;
            }
        } finally {
            if (run.isAlive()) {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
            }
        }
        return run.exitValue() == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    /** Every jar this JVM can see, module path and class path, as one class path for the child. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
