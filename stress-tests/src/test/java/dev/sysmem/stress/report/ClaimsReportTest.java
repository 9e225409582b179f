package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jcstress.infra.Status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claims report on results written with jcstress's own classes, for the real generated tests.
 */
class ClaimsReportTest {

    private static final Pattern ALL = Pattern.compile(".*");

    @TempDir
    Path dir;

    /** Every generated test that fits {@code cpus} CPUs, each with a clean result; controls seen or not. */
    private static JcstressResults everyTestClean(String mode, int cpus, boolean controlsSeen) {
        JcstressResults results = JcstressResults.inMode(mode);
        for (Suite.Test t : Suite.onClasspath().tests()) {
            if (t.threads() > cpus) {
                continue;
            }
            String simple = t.name().substring(t.name().lastIndexOf('.') + 1);
            Property p = t.claim().property();
            if (p == Property.TEARING_CONTROL && controlsSeen) {
                results.add(simple, "90, 90, 90, 90, 90, 90, 90, 90", 1000, "165, 90, 90, 90, 165, 165, 165, 165", 7);
            } else if (p == Property.ELISION_CONTROL && controlsSeen) {
                results.add(simple, "TERMINATED", 40, "STALE", 1);
            } else if (t.termination()) {
                results.add(simple, "TERMINATED", 50);
            } else if (p == Property.ATOMICITY || p == Property.TEARING_CONTROL) {
                int bytes = t.claim().width()[0].bytes();
                results.add(simple, String.join(", ", Collections.nCopies(bytes, "90")), 5000);
            } else {
                results.add(simple, cleanOutcome(p), 5000);
            }
        }
        return results;
    }

    private static String cleanOutcome(Property p) {
        return switch (p) {
            case ATOMICITY, TEARING_CONTROL -> throw new IllegalArgumentException("ids depend on the width");
            case COHERENCE, MESSAGE_PASSING, LOAD_BUFFERING, MIXED_SIZE -> "0, 0";
            case STORE_BUFFERING -> "1, 1";
            case IRIW -> "1, 1, 1, 1";
            case PUBLICATION -> "1, 1, 1, 1";
            case MISALIGNED_REJECTED -> "1, 1, 1";
            case NO_ELISION, ELISION_CONTROL -> "TERMINATED";
        };
    }

    @Test
    void aForbiddenOutcomeIsViolatedAndFailsTheReport() throws IOException {
        JcstressResults.inMode("quick")
                .add("MessagePassing_U32_AcquireRelease_Anonymous", "0, 0", 900, "1, 1", 800, "1, 0", 3)
                .add("MessagePassing_U32_Opaque_Anonymous", "0, 0", 900, "1, 0", 5)
                .writeTo(dir);

        ClaimsReport report = ClaimsReport.of(dir, Pattern.compile("MessagePassing_U32_(AcquireRelease|Opaque)_Anonymous"));

        Cell violated = report.matrix().cell(Property.MESSAGE_PASSING, AccessMode.ACQUIRE_RELEASE,
                Optional.of(SegmentKind.ANONYMOUS), Optional.of(Width.U32)).orElseThrow();
        assertThat(violated.state()).isEqualTo(CellState.VIOLATED);
        assertThat(violated.count()).isEqualTo(3);
        Cell allowed = report.matrix().cell(Property.MESSAGE_PASSING, AccessMode.OPAQUE,
                Optional.of(SegmentKind.ANONYMOUS), Optional.of(Width.U32)).orElseThrow();
        assertThat(allowed.state()).isEqualTo(CellState.ALLOWED_AND_SEEN);
        assertThat(allowed.count()).isEqualTo(5);
        assertThat(report.passes()).isFalse();
        assertThat(report.failures()).containsExactly("1 VIOLATED cell");
        assertThat(report.matrix().cells()).filteredOn(c -> c.state() == CellState.NOT_RUN)
                .allSatisfy(c -> assertThat(c.failing()).isFalse());
    }

    @Test
    void mainWritesBothReportsAndExitsNonZeroOnAViolation() throws IOException {
        JcstressResults.inMode("quick")
                .add("StoreBuffering_U64_Volatile_FileBacked", "0, 0", 2, "1, 1", 10)
                .writeTo(dir);
        Path out = dir.resolve("report");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        int status = ClaimsReport.run(new String[] {"--results", dir.toString(), "--out", out.toString(),
                "--tests", "StoreBuffering_U64_Volatile_FileBacked"}, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

        assertThat(status).isEqualTo(1);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("FAIL: 1 VIOLATED cell");
        String md = Files.readString(out.resolve(ClaimsReport.MARKDOWN));
        assertThat(md).contains("| Store buffering (SB) | u64 |").contains("**VIOLATED 2**")
                .contains("StoreBuffering_U64_Volatile_FileBacked | VIOLATED (2)").contains("mode quick");
        String html = Files.readString(out.resolve(ClaimsReport.HTML));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("VIOLATED 2").doesNotContain("<script").doesNotContain("http");
    }

    @Test
    void aCleanFullRunWithEveryControlSeenPasses() throws IOException {
        int cpus = Runtime.getRuntime().availableProcessors();
        everyTestClean("quick", cpus, true).writeTo(dir);

        ClaimsReport report = ClaimsReport.of(dir, ALL);

        assertThat(report.failures()).isEmpty();
        assertThat(report.matrix().cells()).filteredOn(c -> c.property().mustBeSeen())
                .extracting(Cell::state).containsOnly(CellState.ALLOWED_AND_SEEN);
        assertThat(report.matrix().cell(Property.ATOMICITY, AccessMode.OPAQUE, Optional.of(SegmentKind.FILE_BACKED),
                Optional.of(Width.U16)).orElseThrow().state()).isEqualTo(CellState.HOLDS);
        assertThat(report.matrix().cell(Property.ATOMICITY, AccessMode.PLAIN, Optional.of(SegmentKind.FILE_BACKED),
                Optional.of(Width.U16)).orElseThrow().state()).isEqualTo(CellState.ALLOWED_NOT_SEEN);
        assertThat(report.run().settings().mode()).isEqualTo("quick");
    }

    @Test
    void aControlNotSeenFailsAFullRunButNotASanityRun() throws IOException {
        int cpus = Runtime.getRuntime().availableProcessors();
        everyTestClean("quick", cpus, false).writeTo(dir);
        ClaimsReport quick = ClaimsReport.of(dir, ALL);
        assertThat(quick.failures()).containsExactly("3 CONTROL-NOT-SEEN cells");

        Path sanityDir = Files.createDirectory(dir.resolve("sanity"));
        everyTestClean("sanity", cpus, false).writeTo(sanityDir);
        ClaimsReport sanity = ClaimsReport.of(sanityDir, ALL);
        assertThat(sanity.matrix().count(CellState.CONTROL_NOT_SEEN)).isEqualTo(3);
        assertThat(sanity.passes()).isTrue();
    }

    @Test
    void testsThatCannotRunHereAreNotRunWithTheReasonAndOnlyMissingOnesFail() {
        JcstressResults.inMode("sanity")
                .add("NoElision_U8_Opaque_Anonymous")
                .add("Coherence_U8_Opaque_Anonymous", "0, 0", 3)
                .writeTo(dir);
        RunResults run = readQuietly(dir);

        ClaimMatrix matrix = ClaimMatrix.of(Suite.onClasspath(), run, 2, Pattern.compile("_U8_Opaque_Anonymous$"));

        Cell iriw = cell(matrix, Property.IRIW);
        assertThat(iriw.state()).isEqualTo(CellState.NOT_RUN);
        assertThat(iriw.reason()).isEqualTo("needs 4 CPUs, this machine has 2");
        assertThat(iriw.failing()).isFalse();
        Cell spin = cell(matrix, Property.NO_ELISION);
        assertThat(spin.reason()).contains("sanity mode runs no Termination loop");
        assertThat(spin.failing()).isFalse();
        Cell missing = cell(matrix, Property.MESSAGE_PASSING);
        assertThat(missing.reason()).isEqualTo("selected, but jcstress produced no result for it");
        assertThat(missing.failing()).isTrue();
        assertThat(matrix.cell(Property.MESSAGE_PASSING, AccessMode.VOLATILE, Optional.of(SegmentKind.ANONYMOUS),
                Optional.of(Width.U8)).orElseThrow().reason()).isEqualTo("not selected by the test filter");
        assertThat(cell(matrix, Property.COHERENCE).state()).isEqualTo(CellState.HOLDS);
    }

    @Test
    void aTestErrorIsAnError() throws IOException {
        JcstressResults.inMode("quick")
                .failed("Publication_Volatile_Anonymous", Status.TEST_ERROR, "java.lang.IllegalStateException: closed")
                .writeTo(dir);

        ClaimsReport report = ClaimsReport.of(dir, Pattern.compile("Publication_Volatile_Anonymous"));

        Cell error = report.matrix().cell(Property.PUBLICATION, AccessMode.VOLATILE, Optional.of(SegmentKind.ANONYMOUS),
                Optional.empty()).orElseThrow();
        assertThat(error.state()).isEqualTo(CellState.ERROR);
        assertThat(error.reason()).isEqualTo("TEST_ERROR: java.lang.IllegalStateException: closed");
        assertThat(report.failures()).containsExactly("1 ERROR cell");
    }

    @Test
    void anEmptyRunFailsAndADirectoryWithoutResultsIsAnError() throws IOException {
        JcstressResults.inMode("sanity").writeTo(dir);
        ClaimsReport empty = ClaimsReport.of(dir, Pattern.compile("NoSuchTest"));
        assertThat(empty.failures()).containsExactly("empty run: no test produced any result");

        Path nothing = Files.createDirectory(dir.resolve("nothing"));
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = ClaimsReport.run(new String[] {"--results", nothing.toString(), "--out", dir.resolve("r").toString()},
                System.out, new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("no jcstress-results-*.bin.gz in");
    }

    private static Cell cell(ClaimMatrix matrix, Property property) {
        return matrix.cell(property, AccessMode.OPAQUE, Optional.of(SegmentKind.ANONYMOUS), Optional.of(Width.U8)).orElseThrow();
    }

    private static RunResults readQuietly(Path dir) {
        try {
            return RunResults.read(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
