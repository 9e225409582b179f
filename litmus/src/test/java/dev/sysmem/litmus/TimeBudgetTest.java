package dev.sysmem.litmus;

import dev.sysmem.litmus.model.LitmusParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The time budget is a deadline: a run that outlasts it is killed, with its forks, and its tests are ERROR. */
class TimeBudgetTest {

    @Test
    void aRunPastItsBudgetIsKilledAndItsTestsAreErrors(@TempDir Path dir) throws Exception {
        long before = ProcessHandle.current().descendants().count();
        // A JVM alone takes longer than this to start, let alone jcstress in quick mode.
        LitmusRun.Settings settings = new LitmusRun.Settings("quick", Duration.ofMillis(300), dir, false);
        List<TestVerdict> rows = LitmusRun.run(List.of(LitmusParser.parse(Path.of("src/test/litmus/SB+poonceonces.litmus"))),
                settings, new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.ERROR);
            assertThat(r.note()).isEqualTo("the time budget ran out before it ran");
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ProcessHandle.current().descendants().count()).isLessThanOrEqualTo(before));
    }
}
