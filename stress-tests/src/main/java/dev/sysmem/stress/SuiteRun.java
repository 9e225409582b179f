package dev.sysmem.stress;

import dev.sysmem.stress.report.ClaimsReport;
import dev.sysmem.stress.report.Machine;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
 * <p>Options before {@code --}: {@code --results DIR}, {@code --report DIR} (both required) and
 * {@code --section FILE} (repeatable, a table for the report, see
 * {@link dev.sysmem.stress.report.ReportSection}).
 */
public final class SuiteRun {

    private SuiteRun() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        int split = Arrays.asList(args).indexOf("--");
        List<String> own = Arrays.asList(args).subList(0, split < 0 ? args.length : split);
        List<String> jcstress = new ArrayList<>(split < 0 ? List.of() : Arrays.asList(args).subList(split + 1, args.length));
        Path results = null;
        Path report = null;
        List<String> sections = new ArrayList<>();
        for (int i = 0; i + 1 < own.size(); i += 2) {
            switch (own.get(i)) {
                case "--results" -> results = Path.of(own.get(i + 1));
                case "--report" -> report = Path.of(own.get(i + 1));
                case "--section" -> sections.addAll(List.of("--section", own.get(i + 1)));
                default -> {
                    return usage("unknown argument " + own.get(i));
                }
            }
        }
        if (results == null || report == null || own.size() % 2 != 0) {
            return usage("--results and --report are required");
        }
        if (jcstress.contains("-r") || jcstress.contains("-p")) {
            return usage("-r and -p are set by SuiteRun (the results go to --results)");
        }
        if (!jcstress.contains("-jvmArgsPrepend")) {
            jcstress.addAll(List.of("-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED"));
        }
        emptyDirectory(results);
        jcstress.addAll(List.of("-r", results.toString()));

        long start = System.nanoTime();
        Options options = new Options(jcstress.toArray(new String[0]));
        if (!options.parse()) {
            return usage("jcstress did not accept the options " + jcstress);
        }
        String jcstressFailure = null;
        try {
            new JCStress(options).run();
        } catch (AssertionError failures) {
            // jcstress 0.16 reports forbidden outcomes and test errors by throwing; the report lists them.
            jcstressFailure = failures.getMessage();
        }
        Path blob = Path.of(options.getResultFile());
        if (Files.exists(blob)) {
            Files.move(blob, results.resolve(blob.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.printf("jcstress run took %d s%n", seconds);
        Machine.record(results, options.getCPUCount(), String.join(" ", jcstress), seconds);

        List<String> reportArgs = new ArrayList<>(List.of("--results", results.toString(), "--out", report.toString(),
                "--tests", options.getTestFilter()));
        reportArgs.addAll(sections);
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

    private static int usage(String problem) {
        System.err.println("SuiteRun: " + problem);
        System.err.println("usage: SuiteRun --results DIR --report DIR [--section FILE]... -- [jcstress options, e.g. -m quick -sc false]");
        return 2;
    }
}
