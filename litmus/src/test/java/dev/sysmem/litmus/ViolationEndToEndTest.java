package dev.sysmem.litmus;

import dev.sysmem.stress.report.ReportSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VIOLATION verdict can fire: store buffering without barriers, which LKMM allows and x86-64
 * shows (TSO), in a file that wrongly says {@code Result: Never}. The whole path runs: parse,
 * translate, compile, jcstress in a child JVM (quick mode, one test), grade, report, exit code.
 * If the runner could not see a forbidden outcome, or graded it as anything but VIOLATION, or
 * exited 0 after one, this test fails.
 */
class ViolationEndToEndTest {

    @Test
    void aNeverOutcomeSeenIsAViolationAndFailsTheRun(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LitmusCommand.Run run = new LitmusCommand.Run();
        new CommandLine(run).parseArgs("--mode", "quick", "--time-budget", "4m", "--work", dir.resolve("work").toString(),
                "--report", dir.resolve("report").toString(),
                "src/test/resources/violation/SB+poonceonces-marked-Never.litmus");
        int exit = run.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).as(printed + err.toString(StandardCharsets.UTF_8))
                .containsPattern("\\| SB\\+poonceonces-marked-Never \\| Never \\| .* \\| Sometimes \\([1-9][0-9]* of [0-9]+\\) \\| \\*\\*VIOLATION\\*\\*");
        assertThat(exit).isEqualTo(LitmusCommand.EXIT_FAILED);
        assertThat(Files.readString(dir.resolve("report/" + LitmusReport.MARKDOWN))).contains("**VIOLATION**")
                .containsPattern("- SB\\+poonceonces-marked-Never: .*`0:r0=0; 1:r0=0;` [1-9]");
        assertThat(Files.readString(dir.resolve("report/" + LitmusReport.HTML))).contains("<b>VIOLATION</b>");
        // The claims report takes the same table as a section (ClaimsReport --section FILE).
        ReportSection section = ReportSection.read(dir.resolve("report/" + LitmusReport.SECTION));
        assertThat(section.columns()).containsExactly("test", "LKMM", "condition", "this machine", "verdict",
                "model (exhaustive)", "model verdict", "why");
        assertThat(section.rows()).singleElement().satisfies(row -> {
            assertThat(row.get(4)).isEqualTo("VIOLATION");
            // The model reaches store buffering too, so it disagrees with the file's Never as well.
            assertThat(row.get(5)).matches("Sometimes \\([1-9][0-9]* of [0-9]+ executions\\)");
            assertThat(row.get(6)).isEqualTo("MODEL-WEAKER");
        });
    }

    /**
     * The model's column can fail a run on its own: message passing without ordering, marked
     * Never, is never shown by x86-64 (TSO) but reached by the weak-memory model. The hardware
     * verdict is CONSISTENT (sanity mode, a handful of samples), the model's MODEL-WEAKER, and the
     * run exits 1. With {@code --no-model} the same file passes and the model's columns are gone,
     * which shows that it was the model column that failed it.
     */
    @Test
    void anOutcomeTheModelReachesAgainstNeverFailsTheRunWhereTheHardwareDidNot(@TempDir Path dir) throws Exception {
        String file = "src/test/resources/violation/MP+poonceonces-marked-Never.litmus";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LitmusCommand.Run run = new LitmusCommand.Run();
        new CommandLine(run).parseArgs("--mode", "sanity", "--time-budget", "4m", "--work", dir.resolve("work").toString(),
                "--report", dir.resolve("report").toString(), file);
        int exit = run.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).as(printed).containsPattern("\\| \\*\\*CONSISTENT\\*\\* \\| Sometimes \\([1-9][0-9]* of [0-9]+ "
                + "executions\\) \\| MODEL-WEAKER \\|");
        assertThat(exit).isEqualTo(LitmusCommand.EXIT_FAILED);

        ByteArrayOutputStream without = new ByteArrayOutputStream();
        LitmusCommand.Run hardwareOnly = new LitmusCommand.Run();
        new CommandLine(hardwareOnly).parseArgs("--mode", "sanity", "--time-budget", "4m", "--no-model", "--work",
                dir.resolve("work2").toString(), file);
        int exitWithout = hardwareOnly.run(new PrintStream(without, true, StandardCharsets.UTF_8),
                new PrintStream(without, true, StandardCharsets.UTF_8));
        assertThat(without.toString(StandardCharsets.UTF_8)).as(without.toString(StandardCharsets.UTF_8))
                .contains("**CONSISTENT**").doesNotContain("MODEL-WEAKER").doesNotContain("model verdict");
        assertThat(exitWithout).isEqualTo(0);
    }

    @Test
    void aMalformedFileStopsTheRunWithItsPosition(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.litmus"), "C bad\n{}\nP0(int *x) {\n WRITE_ONCE(*x, 1)\n}\nexists (x=1)\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LitmusCommand.Run run = new LitmusCommand.Run();
        new CommandLine(run).parseArgs("--work", dir.resolve("work").toString(), bad.toString());
        int exit = run.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(LitmusCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad + ":5:1: expected ';'");
        assertThat(dir.resolve("work/classes")).doesNotExist();
    }

    @Test
    void usageErrorsExitWithTwo() {
        CommandLine cli = LitmusCommand.commandLine();
        cli.setErr(new java.io.PrintWriter(new ByteArrayOutputStream()));
        assertThat(cli.execute("run", "--time-budget", "soon", "x.litmus")).isEqualTo(LitmusCommand.EXIT_USAGE);
        assertThat(cli.execute("run")).isEqualTo(LitmusCommand.EXIT_USAGE);
        assertThat(cli.execute("run", "--mode", "fast", "src/test/litmus/SB+poonceonces.litmus")).isEqualTo(LitmusCommand.EXIT_USAGE);
        assertThat(cli.execute("run", "no/such/file.litmus")).isEqualTo(LitmusCommand.EXIT_USAGE);
    }
}
