package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.Breakage;
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
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The claims report on results written with jcstress's own classes, for the real generated tests.
 */
class ClaimsReportTest {

    private static final Pattern ALL = Pattern.compile(".*");

    @TempDir
    Path dir;

    /** Two acceptable outcomes of a clean run of a test of {@code p}, as jcstress prints them. */
    private static List<String> raced(Suite.Test t) {
        Property p = t.claim().property();
        return switch (p) {
            case ATOMICITY, TEARING_CONTROL -> {
                int bytes = t.claim().width()[0].bytes();
                yield List.of(String.join(", ", Collections.nCopies(bytes, "90")),
                        String.join(", ", Collections.nCopies(bytes, "165")));
            }
            case NO_ELISION, ELISION_CONTROL -> List.of("TERMINATED");
            case COHERENCE, MESSAGE_PASSING, MIXED_SIZE -> List.of("0, 0", "1, 1");
            case COHERENCE_WW -> List.of("0, 2", "2, 2");
            case COHERENCE_WR -> List.of("1, 1", "1, 2");
            case COHERENCE_RW -> List.of("0, 1", "0, 2");
            case STORE_BUFFERING, LOAD_BUFFERING, ATOMICS_STORE_BUFFERING -> List.of("0, 1", "1, 0");
            case TWO_PLUS_TWO_W -> List.of("2, 1", "1, 2");
            case IRIW, ATOMICS_IRIW -> List.of("1, 1, 1, 1", "0, 0, 0, 0");
            case WRC, ISA2 -> List.of("0, 0, 0", "1, 1, 1");
            case PUBLICATION -> List.of("0, 0, 0, 0", "1, 1, 1, 1");
        };
    }

    /** The weak outcome of a test of {@code p} that allows it. */
    private static String weak(Suite.Test t) {
        return switch (t.claim().property()) {
            case ATOMICITY, TEARING_CONTROL -> {
                int bytes = t.claim().width()[0].bytes();
                yield String.join(", ", Collections.nCopies(bytes / 2, "165")) + ", "
                        + String.join(", ", Collections.nCopies(bytes / 2, "90"));
            }
            case NO_ELISION, ELISION_CONTROL -> "STALE";
            case STORE_BUFFERING, ATOMICS_STORE_BUFFERING -> "0, 0";
            default -> throw new IllegalArgumentException("no weak outcome chosen for " + t.name());
        };
    }

    /**
     * Every generated test that fits {@code cpus} CPUs, each with a clean result that raced; the
     * weak outcome is seen in the tests {@code seen} matches (which must allow it).
     */
    private static JcstressResults everyTestClean(String mode, int cpus, Pattern seen) {
        JcstressResults results = JcstressResults.inMode(mode);
        for (Suite.Test t : Suite.onClasspath().tests()) {
            if (t.threads() > cpus) {
                continue;
            }
            String simple = t.name().substring(t.name().lastIndexOf('.') + 1);
            List<Object> outcomes = new java.util.ArrayList<>();
            for (String id : raced(t)) {
                outcomes.add(id);
                outcomes.add(t.termination() ? 50 : 5000);
            }
            if (t.allowsWeak() && seen.matcher(simple).find()) {
                outcomes.add(weak(t));
                outcomes.add(t.termination() ? 1 : 7);
            }
            results.add(simple, outcomes.toArray());
        }
        return results;
    }

    private static Cell cell(ClaimMatrix m, Property p, AccessMode mode, SegmentKind s, Width w) {
        return m.cell(p, mode, Optional.of(s), Optional.of(w)).orElseThrow();
    }

    @Test
    void aForbiddenOutcomeIsViolatedAndFailsTheReport() throws IOException {
        JcstressResults.inMode("quick")
                .add("MessagePassing_U32_AcquireRelease_Anonymous", "0, 0", 900, "1, 1", 800, "1, 0", 3)
                .add("MessagePassing_U32_Opaque_Anonymous", "0, 0", 900, "1, 0", 5)
                .writeTo(dir);

        ClaimsReport report = ClaimsReport.of(dir, Pattern.compile("MessagePassing_U32_(AcquireRelease|Opaque)_Anonymous"));

        Cell violated = cell(report.matrix(), Property.MESSAGE_PASSING, AccessMode.ACQUIRE_RELEASE, SegmentKind.ANONYMOUS, Width.U32);
        assertThat(violated.state()).isEqualTo(CellState.VIOLATED);
        assertThat(violated.count()).isEqualTo(3);
        Cell allowed = cell(report.matrix(), Property.MESSAGE_PASSING, AccessMode.OPAQUE, SegmentKind.ANONYMOUS, Width.U32);
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

    /**
     * The evidence rule: a clean claim cell HOLDS only where a control of its row, width and segment
     * showed the weak outcome in the same run; elsewhere it HOLDS-UNTESTABLE-HERE, with the reason.
     */
    @Test
    void aCleanCellHoldsOnlyWhereAControlOfItsRowWasSeen() throws IOException {
        everyTestClean("quick", 2, Pattern.compile("StoreBuffering_U32_AcquireRelease_Anonymous|Atomicity_U64_SplitWrite_"
                + "|CacheLineTearing|FieldSpin")).writeTo(dir);

        ClaimsReport report = ClaimsReport.of(dir, ALL, 2, List.of());
        ClaimMatrix m = report.matrix();

        Cell sb = cell(m, Property.STORE_BUFFERING, AccessMode.VOLATILE, SegmentKind.ANONYMOUS, Width.U32);
        assertThat(sb.state()).isEqualTo(CellState.HOLDS);
        assertThat(sb.reason()).isEqualTo("control seen: StoreBuffering_U32_AcquireRelease_Anonymous");
        // The same claim on the other segment had no control seen.
        Cell sbFile = cell(m, Property.STORE_BUFFERING, AccessMode.VOLATILE, SegmentKind.FILE_BACKED, Width.U32);
        assertThat(sbFile.state()).isEqualTo(CellState.HOLDS_UNTESTABLE_HERE);
        assertThat(sbFile.reason()).isEqualTo(Property.STORE_BUFFERING.untestable());
        assertThat(cell(m, Property.ATOMICITY, AccessMode.OPAQUE, SegmentKind.FILE_BACKED, Width.U64).state())
                .isEqualTo(CellState.HOLDS);
        assertThat(cell(m, Property.ATOMICITY, AccessMode.OPAQUE, SegmentKind.FILE_BACKED, Width.U32).state())
                .isEqualTo(CellState.HOLDS_UNTESTABLE_HERE);
        Cell mp = cell(m, Property.MESSAGE_PASSING, AccessMode.ACQUIRE_RELEASE, SegmentKind.ANONYMOUS, Width.U8);
        assertThat(mp.state()).isEqualTo(CellState.HOLDS_UNTESTABLE_HERE);
        assertThat(mp.text()).contains("TSO hardware (x86-64)");
        assertThat(m.control(Property.ATOMICITY, Breakage.SPLIT_WRITE, Optional.of(SegmentKind.ANONYMOUS), Optional.of(Width.U32))
                .orElseThrow().state()).isEqualTo(CellState.CONTROL_NOT_SEEN);
        assertThat(report.passes()).isTrue();
        assertThat(report.verdict()).startsWith("PASS: no claim violated, no test broken; " + m.count(CellState.HOLDS) + " HOLDS, ")
                .contains("controls seen: split write (Access atomicity) 3/9")
                .contains("controls not seen: atomics as acquire/release (Atomics: store buffering) 0/6, stale copy (Coherence (CoRW)) 0/12, "
                        + "stale copy (Coherence (CoWR)) 0/12, stale copy (Coherence (CoWW)) 0/12, stale copy (Coherence (CoRR)) 0/12, "
                        + "hoistable read (No elision) 0/1")
                .contains("Control: cache-line tearing 3/3")
                .contains("controls not run: atomics as acquire/release (Atomics: IRIW)")
                .contains("not run: 78 needs 4 CPUs, jcstress ran with 2, 96 needs 3 CPUs, jcstress ran with 2");
        String md = Files.readString(report.writeTo(dir.resolve("out")).get(0));
        assertThat(md).contains("## What this machine could not show")
                .contains("HOLDS-UNTESTABLE-HERE: " + Property.MESSAGE_PASSING.untestable())
                .contains("control: split write anon");
    }

    @Test
    void aCellWithoutEvidenceOfARaceIsInsufficientNotHolds() throws IOException {
        JcstressResults.inMode("quick")
                .add("StoreBuffering_U32_AcquireRelease_Anonymous", "0, 1", 5000, "0, 0", 40)
                .add("StoreBuffering_U32_Volatile_Anonymous", "0, 1", 90_000)
                .add("StoreBuffering_U64_Volatile_Anonymous", "0, 1", 300, "1, 0", 200)
                .add("StoreBuffering_U16_Volatile_Anonymous", "0, 1", 3000, "1, 0", 2000)
                .writeTo(dir);

        ClaimMatrix m = ClaimsReport.of(dir, Pattern.compile("\\.StoreBuffering_(U32_AcquireRelease|U(16|32|64)_Volatile)_Anonymous"))
                .matrix();

        Cell oneOutcome = cell(m, Property.STORE_BUFFERING, AccessMode.VOLATILE, SegmentKind.ANONYMOUS, Width.U32);
        assertThat(oneOutcome.state()).isEqualTo(CellState.INSUFFICIENT);
        assertThat(oneOutcome.reason()).contains("only one acceptable outcome seen in 90.0k samples");
        Cell few = cell(m, Property.STORE_BUFFERING, AccessMode.VOLATILE, SegmentKind.ANONYMOUS, Width.U64);
        assertThat(few.state()).isEqualTo(CellState.INSUFFICIENT);
        assertThat(few.reason()).isEqualTo("500 samples, fewer than " + ClaimMatrix.MIN_SAMPLES);
        // Enough samples and two outcomes, but its control (u16 acquire/release) did not run.
        Cell noControl = cell(m, Property.STORE_BUFFERING, AccessMode.VOLATILE, SegmentKind.ANONYMOUS, Width.U16);
        assertThat(noControl.state()).isEqualTo(CellState.HOLDS_UNTESTABLE_HERE);
        assertThat(noControl.reason()).isEqualTo("no control of this row ran to a verdict in this run");
        assertThat(m.failing()).isEmpty();
    }

    @Test
    void cpuFitFollowsTheCpusJcstressRanWithNotTheMachine() throws IOException {
        JcstressResults.inMode("quick").add("Coherence_U8_Opaque_Anonymous", "0, 0", 3000, "1, 1", 3000).writeTo(dir);
        Machine.record(dir, 2, "-c 2", ".*", 1);

        ClaimsReport report = ClaimsReport.of(dir, Pattern.compile("Iriw_U8_Opaque_Anonymous|Coherence_U8_Opaque_Anonymous"));

        Cell iriw = cell(report.matrix(), Property.IRIW, AccessMode.OPAQUE, SegmentKind.ANONYMOUS, Width.U8);
        assertThat(iriw.state()).isEqualTo(CellState.NOT_RUN);
        assertThat(iriw.reason()).isEqualTo("needs 4 CPUs, jcstress ran with 2");
        assertThat(iriw.failing()).isFalse();
        assertThat(report.machine().jcstressCpus()).isEqualTo(2);
        assertThat(report.machine().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(report.passes()).isTrue();
    }

    @Test
    void aRunInWhichNoSelectedTestCouldRunStillWritesItsReport() throws IOException {
        Machine.record(dir, 2, "-c 2 -t Iriw", "Iriw", 3);
        Path out = dir.resolve("report");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        int status = ClaimsReport.run(new String[] {"--results", dir.toString(), "--out", out.toString(), "--tests", "\\.Iriw_"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

        assertThat(status).isEqualTo(1);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("FAIL: empty run: no test produced any result")
                .contains("48 needs 4 CPUs, jcstress ran with 2").doesNotContain("controls not run");
        assertThat(Files.readString(out.resolve(ClaimsReport.MARKDOWN))).contains("none: jcstress ran no test")
                .contains("NOT-RUN: needs 4 CPUs, jcstress ran with 2: 48 tests");
    }

    @Test
    void testsThatCannotRunHereAreNotRunWithTheReasonAndOnlyMissingOnesFail() {
        JcstressResults.inMode("sanity")
                .add("NoElision_U8_Opaque_Anonymous")
                .add("Coherence_U8_Opaque_Anonymous", "0, 0", 3)
                .writeTo(dir);
        RunResults run = readQuietly(dir);

        ClaimMatrix matrix = ClaimMatrix.of(Suite.onClasspath(), run, 2, Pattern.compile("_U8_Opaque_Anonymous$"));

        Cell iriw = cell(matrix, Property.IRIW, AccessMode.OPAQUE, SegmentKind.ANONYMOUS, Width.U8);
        assertThat(iriw.state()).isEqualTo(CellState.NOT_RUN);
        assertThat(iriw.reason()).isEqualTo("needs 4 CPUs, jcstress ran with 2");
        assertThat(iriw.failing()).isFalse();
        Cell spin = cell(matrix, Property.NO_ELISION, AccessMode.OPAQUE, SegmentKind.ANONYMOUS, Width.U8);
        assertThat(spin.reason()).contains("sanity mode runs no Termination loop");
        assertThat(spin.failing()).isFalse();
        Cell missing = cell(matrix, Property.MESSAGE_PASSING, AccessMode.OPAQUE, SegmentKind.ANONYMOUS, Width.U8);
        assertThat(missing.reason()).isEqualTo("selected, but jcstress produced no result for it");
        assertThat(missing.failing()).isTrue();
        assertThat(cell(matrix, Property.MESSAGE_PASSING, AccessMode.VOLATILE, SegmentKind.ANONYMOUS, Width.U8).reason())
                .isEqualTo("not selected by the test filter");
        assertThat(cell(matrix, Property.COHERENCE, AccessMode.OPAQUE, SegmentKind.ANONYMOUS, Width.U8).state())
                .isEqualTo(CellState.INSUFFICIENT);
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

    @Test
    void aSectionFromAnotherRunIsIncludedInBothReports() throws IOException {
        JcstressResults.inMode("quick").add("Coherence_U8_Opaque_Anonymous", "0, 0", 3000, "1, 1", 3000).writeTo(dir);
        Path section = Files.writeString(dir.resolve("litmus.tsv"), """
                # Litmus tests from herd files
                Each row is one litmus test: the model's verdict
                and what jcstress saw.

                Test\tModel\tjcstress
                MP+rel+acq\tNever\tHOLDS 3.1M
                SB\tSometimes\tSEEN 12 | <b>
                """);
        Path out = dir.resolve("report");

        int status = ClaimsReport.run(new String[] {"--results", dir.toString(), "--out", out.toString(),
                "--tests", "Coherence_U8_Opaque_Anonymous", "--section", section.toString()}, System.out, System.err);

        assertThat(status).isZero();
        assertThat(Files.readString(out.resolve(ClaimsReport.MARKDOWN))).contains("## Litmus tests from herd files")
                .contains("Each row is one litmus test: the model's verdict and what jcstress saw.")
                .contains("| Test | Model | jcstress |").contains("| SB | Sometimes | SEEN 12 \\| <b> |");
        assertThat(Files.readString(out.resolve(ClaimsReport.HTML))).contains("<h2>Litmus tests from herd files</h2>")
                .contains("<td>SEEN 12 | &lt;b&gt;</td>");
    }

    @Test
    void aMalformedSectionIsRefusedWithItsFileAndLine() throws IOException {
        Path section = Files.writeString(dir.resolve("bad.tsv"), "# Title\ntext\n\nA\tB\none\n");
        assertThatThrownBy(() -> ReportSection.read(section)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(section + ":5: 1 cells, the header has 2 (cells are separated by tabs)");
        Path untitled = Files.writeString(dir.resolve("untitled.tsv"), "no title\n");
        assertThatThrownBy(() -> ReportSection.read(untitled)).hasMessageContaining(untitled + ":1:");
    }

    private static RunResults readQuietly(Path dir) {
        try {
            return RunResults.read(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
