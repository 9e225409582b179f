package dev.sysmem.stress;

import dev.sysmem.stress.report.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SuiteRunTest {

    @TempDir
    Path dir;

    @Test
    void refusesToRunWithoutItsDirectoriesOrWithItsOwnResultOptions() throws Exception {
        assertThat(SuiteRun.run(new String[] {"--results", dir.toString(), "--", "-m", "sanity"})).isEqualTo(2);
        assertThat(SuiteRun.run(new String[] {"--results", dir.toString(), "--report", dir.toString(), "--",
                "-r", "elsewhere"})).isEqualTo(2);
    }

    /**
     * jcstress 0.16 prints "FATAL: No matching tests." and exits 0 when the filter matches nothing;
     * the suite's runner must not pass such a run, must not grade an older run's file, and still
     * writes a report that says the run was empty.
     */
    @Test
    void aRunInWhichNoTestMatchedFails() throws Exception {
        Path results = dir.resolve("results");
        Path report = dir.resolve("report");
        Files.createDirectories(results);
        Files.writeString(results.resolve("jcstress-results-1999-01-01-00-00-00.bin.gz"), "an older run's file");

        int status = SuiteRun.run(new String[] {"--results", results.toString(), "--report", report.toString(), "--",
                "-m", "sanity", "-t", "NoTestIsCalledLikeThis", "-jvmArgs", "-Xint"});

        assertThat(status).isEqualTo(1);
        try (var files = Files.list(results)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(Machine.FILE);
        }
        assertThat(Files.readString(report.resolve("claims-report.md"))).contains("FAIL: empty run: no test produced any result")
                .contains("none: jcstress ran no test");
    }
}
