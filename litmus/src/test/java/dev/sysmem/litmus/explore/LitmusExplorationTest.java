package dev.sysmem.litmus.explore;

import dev.sysmem.explore.weak.ProgramExplorer;
import dev.sysmem.litmus.LitmusCommand;
import dev.sysmem.litmus.LitmusRun;
import dev.sysmem.litmus.model.LitmusParser;
import dev.sysmem.litmus.model.ModelResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every litmus file of the test set explored exhaustively on the weak-memory model and compared
 * with its {@code Result:}: no Never is reached except through the model's stated limits, each
 * verdict that can fail or excuse a run is shown to fire on a file made for it, and the command
 * exits as documented.
 */
class LitmusExplorationTest {

    private static final Path SET = Path.of("src/test/litmus");
    private static final Path VIOLATION = Path.of("src/test/resources/violation");
    private static final Path EXPLORE = Path.of("src/test/resources/explore");

    private static LitmusExploration explore(Path file) throws IOException {
        return LitmusExploration.of(LitmusParser.parse(file), ProgramExplorer.forLitmus());
    }

    @Test
    void theTestSetAgreesWithItsResultLinesUpToTheModelsStatedLimits() throws IOException {
        Map<String, LitmusExploration> byName = new HashMap<>();
        for (Path f : LitmusRun.litmusFiles(List.of(SET))) {
            LitmusExploration e = explore(f);
            byName.put(e.test().name(), e);
            assertThat(e.verdict()).as(e.test().name() + ": " + e.reason()).isNotIn(ModelVerdict.MODEL_WEAKER,
                    ModelVerdict.INCOMPLETE, ModelVerdict.NO_EXPECTATION);
        }
        // Load buffering needs promises, which the model does not have: the one known limit.
        assertThat(byName.get("LB+poonceonces").verdict()).isEqualTo(ModelVerdict.MODEL_STRONGER);
        assertThat(byName.get("LB+poonceonces").reason()).contains("no load buffering");
        // The weak outcomes x86-64 never shows are reached by the model: what the hardware run cannot do.
        for (String sometimes : List.of("MP+poonceonces", "S+poonceonces", "2+2W+poonceonces", "R+poonceonces",
                "WRC+poonceonces+Once", "ISA2+poonceonces", "IRIW+poonceonces+OnceOnce", "SB+poonceonces")) {
            assertThat(byName.get(sometimes).verdict()).as(sometimes).isEqualTo(ModelVerdict.CONSISTENT);
            assertThat(byName.get(sometimes).observed()).as(sometimes).contains(ModelResult.SOMETIMES);
        }
        // ... and the barriers and release/acquire pairs forbid them.
        for (String never : List.of("MP+fencewmbonceonce+fencermbonceonce", "MP+pooncerelease+poacquireonce",
                "SB+fencembonceonces", "IRIW+fencembonceonces+OnceOnce", "WRC+pooncerelease+fencermbonceonce+Once",
                "2+2W+fencembonceonces", "CoRR+poonceonce+Once")) {
            assertThat(byName.get(never).verdict()).as(never).isEqualTo(ModelVerdict.CONSISTENT);
            assertThat(byName.get(never).observed()).as(never).contains(ModelResult.NEVER);
        }
    }

    @Test
    void unsupportedFilesAreRefusedWithTheirReason() throws IOException {
        List<LitmusExploration> refused = new ArrayList<>();
        for (Path f : LitmusRun.litmusFiles(List.of(SET.resolve("unsupported")))) {
            LitmusExploration e = explore(f);
            if (e.verdict() == ModelVerdict.UNSUPPORTED) {
                refused.add(e);
            }
        }
        assertThat(refused).extracting(LitmusExploration::reason).anySatisfy(r -> assertThat(r).contains("pointers"))
                .anySatisfy(r -> assertThat(r).contains("spin_is_locked"));
        // Plain C accesses run, and are reported as the data races they are.
        assertThat(explore(SET.resolve("unsupported/MP+plainstores.litmus")).reason()).contains("data race");
    }

    @Test
    void aNeverTheModelReachesIsModelWeakerAndFailsTheRun() throws IOException {
        LitmusExploration e = explore(VIOLATION.resolve("SB+poonceonces-marked-Never.litmus"));
        assertThat(e.verdict()).isEqualTo(ModelVerdict.MODEL_WEAKER);
        assertThat(e.verdict().failsRun()).isTrue();
        assertThat(e.outcomes()).contains("0:r0=0; 1:r0=0;");
    }

    @Test
    void aReachedNeverWithADependencyIsDependencyOrderedNotAFailure() throws IOException {
        LitmusExploration e = explore(EXPLORE.resolve("SB+ctrl-marked-Never.litmus"));
        assertThat(e.verdict()).isEqualTo(ModelVerdict.DEPENDENCY_ORDERED);
        assertThat(e.verdict().failsRun()).isFalse();
        assertThat(e.reason()).contains("control");
    }

    @Test
    void theCommandExitsAsDocumentedAndWritesItsReport(@TempDir Path out) throws IOException {
        assertThat(run("explore", SET.toString(), "--report", out.toString())).isZero();
        assertThat(out.resolve(ModelReport.MARKDOWN)).content(StandardCharsets.UTF_8)
                .contains("LB+poonceonces", "MODEL-STRONGER", "no load buffering");
        assertThat(out.resolve(ModelReport.SECTION)).content(StandardCharsets.UTF_8)
                .startsWith("# Litmus tests on the weak-memory model").contains("\ntest\tLKMM\t");
        // ... in the form the claims report reads with its own reader (ClaimsReport --section FILE).
        dev.sysmem.stress.report.ReportSection section = dev.sysmem.stress.report.ReportSection.read(
                out.resolve(ModelReport.SECTION));
        assertThat(section.rows()).hasSize(38).anySatisfy(row -> assertThat(row).contains("LB+poonceonces", "MODEL-STRONGER"));
        assertThat(out.resolve(ModelReport.HTML)).content(StandardCharsets.UTF_8).contains("<table>");
        assertThat(run("explore", VIOLATION.toString())).isEqualTo(1);
        assertThat(run("explore", "--max-executions", "0", SET.toString())).isEqualTo(2);
        assertThat(run("explore", "no/such/dir")).isEqualTo(2);
    }

    private static int run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(sink, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new LitmusCommand());
            cli.setErr(new java.io.PrintWriter(new ByteArrayOutputStream(), true));
            return cli.execute(args);
        } finally {
            System.setOut(saved);
        }
    }
}
