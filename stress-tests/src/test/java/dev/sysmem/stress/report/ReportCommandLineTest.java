package dev.sysmem.stress.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report commands' command lines (picocli): a usage error exits 2 and says in a line or two
 * what was wrong, {@code --help} exits 0, and a report made again from a run's directory grades
 * the selection the run recorded.
 */
class ReportCommandLineTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int report(String... args) {
        return ClaimsReport.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int merge(String... args) {
        return ClaimsMerge.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void claimsReportUsageErrorsExitTwoAndNameTheProblem() {
        assertThat(report("--results", dir.toString())).isEqualTo(2);
        assertThat(errors()).contains("ClaimsReport: Missing required option: '--out=DIR'")
                .contains("Try 'ClaimsReport --help' for the options.");
        assertThat(errors().lines().count()).isLessThanOrEqualTo(2);

        err.reset();
        assertThat(report("--results", dir.toString(), "--out", dir.toString(), "--colour", "red")).isEqualTo(2);
        assertThat(errors()).contains("Unknown option").contains("--colour");

        err.reset();
        assertThat(report("--results", dir.toString(), "--out", dir.toString(), "--cpus", "two")).isEqualTo(2);
        assertThat(errors()).contains("--cpus").contains("'two'");

        err.reset();
        assertThat(report("--results", dir.toString(), "--out", dir.toString(), "--tests", "(")).isEqualTo(2);
        assertThat(errors()).contains("claims report:").contains("Unclosed group");
    }

    @Test
    void helpPrintsTheOptionsAndExitsZero() {
        assertThat(report("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--results=DIR").contains("--section=FILE");
        out.reset();
        assertThat(merge("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--run=LABEL=RESULTS_DIR");
    }

    @Test
    void claimsMergeRefusesAMalformedOrRepeatedLabel() {
        assertThat(merge("--run", "no-label-here", "--out", dir.toString())).isEqualTo(2);
        assertThat(errors()).contains("--run takes LABEL=RESULTS_DIR, not 'no-label-here'");
        err.reset();
        assertThat(merge("--run", "a=" + dir, "--run", "a=" + dir, "--out", dir.toString())).isEqualTo(2);
        assertThat(errors()).contains("two runs are labelled 'a'");
        err.reset();
        assertThat(merge("--out", dir.toString())).isEqualTo(2);
        assertThat(errors()).contains("Missing required option: '--run=LABEL=RESULTS_DIR'");
    }

    /**
     * A report made again later (for example with the litmus sections added by the main job)
     * grades what the run selected, not every test: an IRIW-only run recorded its filter, and
     * the report without {@code --tests} grades that filter instead of counting every other test
     * as a test that did not run.
     */
    @Test
    void aReportMadeAgainGradesTheSelectionTheRunRecorded() throws Exception {
        Machine.record(dir, 2, "-c 2 -t Iriw", "Iriw", 3);
        Path recorded = dir.resolve("recorded");
        Path everything = dir.resolve("everything");

        report("--results", dir.toString(), "--out", recorded.toString());
        report("--results", dir.toString(), "--out", everything.toString(), "--tests", ".*");

        assertThat(Files.readString(recorded.resolve(ClaimsReport.MARKDOWN))).contains("| Test filter | Iriw |")
                .contains("not selected by the test filter").doesNotContain("NOT-RUN cells");
        assertThat(Files.readString(everything.resolve(ClaimsReport.MARKDOWN))).contains("| Test filter | .* |")
                .contains("NOT-RUN cells");
    }

    /** A report names the run's options but not the local path of its results directory. */
    @Test
    void theResultsDirectoryPathStaysOutOfTheReport() throws Exception {
        Machine.record(dir, 2, "-c 2 -r /some/machine/path/results -t Iriw", "Iriw", 3);
        Path out = dir.resolve("report");
        report("--results", dir.toString(), "--out", out.toString());
        assertThat(Files.readString(out.resolve(ClaimsReport.MARKDOWN))).contains("| jcstress options | -c 2 -t Iriw |")
                .doesNotContain("/some/machine/path");
        assertThat(Files.readString(dir.resolve(Machine.FILE))).doesNotContain("/some/machine/path");
    }
}
