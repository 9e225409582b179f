package dev.sysmem.stress;

import dev.sysmem.stress.report.ClaimsReport;
import dev.sysmem.stress.report.Machine;
import dev.sysmem.cli.CommandLines;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Runs the stress suites with jcstress 0.16 and then the {@link ClaimsReport}, and fails when
 * either finds a problem: the command behind the smoke run of {@code mvn verify} and the full run
 * of {@code -Pfull}.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp stress-tests/target/jcstress.jar dev.sysmem.stress.SuiteRun \
 *     --results target/jcstress-full --report target/claims-report -- -m quick -sc false
 * }</pre>
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The results directory is emptied first, so a report can never be made from an older run's
 *       result file. jcstress's HTML report and its binary result file both end up there.</li>
 *   <li>Forks get {@code --enable-native-access=ALL-UNNAMED} through {@code -jvmArgsPrepend}
 *       (jcstress 0.16 loads JNA for CPU affinity, and JDK 25 warns otherwise), unless the options
 *       given already prepend JVM arguments.</li>
 *   <li>The machine, the {@code -c} jcstress ran with, the options and the time jcstress took are
 *       recorded next to the results ({@code sysmem-run.properties}), so that the report grades CPU
 *       fit against the {@code -c} actually used and a later merge states each run's machine.</li>
 *   <li>A report is written whenever jcstress ran, even when it produced no result (for example a
 *       selection of IRIW tests on a 2-CPU machine): it says why each selected test did not run.</li>
 *   <li>The exit status is 0 only if jcstress reported no failure <em>and</em> the claims report
 *       passes. In particular a run in which no test matched or no test ran fails: jcstress 0.16
 *       itself exits 0 after printing "No matching tests".</li>
 * </ul>
 *
 * <p>Options before {@code --} (picocli, {@code --help}): {@code --results DIR}, {@code --report DIR}
 * (both required) and {@code --section FILE} (repeatable, a table for the report, see
 * {@link dev.sysmem.stress.report.ReportSection}); jcstress's own options after it.
 */
@Command(name = "SuiteRun", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the stress suites with jcstress, then the claims report. Exit 0: jcstress reported no "
                + "failure and the report passes; 1: otherwise; 2: bad arguments.")
public final class SuiteRun implements Callable<Integer> {

    @Option(names = "--results", required = true, paramLabel = "DIR", description = "Where jcstress's results go "
            + "(emptied first).")
    Path results;

    @Option(names = "--report", required = true, paramLabel = "DIR", description = "Where the claims report goes.")
    Path report;

    @Option(names = "--section", paramLabel = "FILE", description = "A table from another run to include in the "
            + "report (repeatable).")
    List<Path> sections = new ArrayList<>();

    @Parameters(paramLabel = "JCSTRESS_OPTION", description = "jcstress's options, after '--', e.g. -- -m quick -sc false.")
    List<String> jcstress = new ArrayList<>();

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return CommandLines.configure(new CommandLine(new SuiteRun())).execute(args);
    }

    @Override
    public Integer call() throws IOException {
        List<String> jcstressOptions = new ArrayList<>(jcstress);
        if (jcstressOptions.contains("-r") || jcstressOptions.contains("-p")) {
            throw new ParameterException(spec.commandLine(), "-r and -p are set by SuiteRun (the results go to --results)");
        }
        if (!jcstressOptions.contains("-jvmArgsPrepend")) {
            jcstressOptions.addAll(List.of("-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED"));
        }
        // The options are checked before the results directory is emptied, so that a typo leaves
        // the previous run's results in place; they are parsed again once -r is added.
        Options options = new Options(jcstressOptions.toArray(new String[0]));
        if (!options.parse()) {
            throw new ParameterException(spec.commandLine(), "jcstress did not accept the options " + jcstressOptions);
        }
        emptyDirectory(results);
        jcstressOptions.addAll(List.of("-r", results.toString()));
        options = new Options(jcstressOptions.toArray(new String[0]));
        options.parse();

        long start = System.nanoTime();
        String jcstressFailure = null;
        try {
            new JCStress(options).run();
        } catch (AssertionError failures) {
            // jcstress 0.16 reports forbidden outcomes and test errors by throwing; the report lists them.
            jcstressFailure = failures.getMessage();
        } catch (Exception e) {
            throw new IllegalStateException("jcstress failed to run: " + e, e);
        }
        Path blob = Path.of(options.getResultFile());
        if (Files.exists(blob)) {
            Files.move(blob, results.resolve(blob.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.printf("jcstress run took %d s%n", seconds);
        Machine.record(results, options.getCPUCount(), String.join(" ", jcstressOptions), options.getTestFilter(), seconds);

        List<String> reportArgs = new ArrayList<>(List.of("--results", results.toString(), "--out", report.toString(),
                "--tests", options.getTestFilter()));
        sections.forEach(section -> reportArgs.addAll(List.of("--section", section.toString())));
        int status = ClaimsReport.run(reportArgs.toArray(new String[0]), System.out, System.err);
        if (jcstressFailure != null) {
            System.err.println("jcstress reported failures: " + jcstressFailure.lines().findFirst().orElse(""));
            return 1;
        }
        return status;
    }

    private static void emptyDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Collections.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        Files.createDirectories(dir);
    }
}
