package dev.sysmem.explore.junit;

import dev.sysmem.explore.ExploredRun;
import dev.sysmem.explore.races.EduStatusPoll;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/** {@link RaceTest} as a user writes it, run through the JUnit engine. */
class RaceTestExtensionTest {

    static class Samples {
        @RaceTest(iterations = 300, strategy = "pct", seed = 5)
        void lostUpdate(ExploredRun run) throws Exception {
            SysMem counter = run.memory("counter", 8);
            for (String name : new String[] {"a", "b"}) {
                run.thread(name, () -> counter.write32(0, counter.read32(0) + 1));
            }
            run.joinAll();
            if (counter.read32(0) != 2) {
                throw new AssertionError("lost update: counter is " + counter.read32(0));
            }
        }

        @RaceTest(iterations = 300, strategy = "exhaustive", preemptionBound = 3, requireExhausted = true)
        void atomicUpdate(ExploredRun run) throws Exception {
            SysMem counter = run.memory("counter", 8);
            for (String name : new String[] {"a", "b"}) {
                run.thread(name, () -> counter.getAndAdd32(0, 1));
            }
            run.joinAll();
            if (counter.read32(0) != 2) {
                throw new AssertionError("lost update: counter is " + counter.read32(0));
            }
        }

        @RaceTest(iterations = 200, strategy = "random")
        void eduStatusPollFixed(ExploredRun run) throws Exception {
            EduStatusPoll.RACE.fixed().run(run);
        }

        @RaceTest(strategy = "depth-first")
        void unknownStrategy(ExploredRun run) {
        }

        @RaceTest(replay = "sysmem-replay:1:00000000:random:1:1:0:00000000")
        void badReplay(ExploredRun run) {
        }
    }

    private static EngineExecutionResults run(String method) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(Samples.class, method, ExploredRun.class.getName()))
                .execute();
    }

    private static Throwable failure(EngineExecutionResults results) {
        Event failed = results.testEvents().failed().stream().findFirst().orElseThrow(
                () -> new AssertionError("the sample did not fail: " + results.testEvents().list()));
        return failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
    }

    @Test
    void aRaceFailsTheTestWithReplayStringAndTraceAndTheReplayPropertyReproducesIt() {
        Throwable failure = failure(run("lostUpdate"));
        assertThat(failure.getMessage()).contains("PCT exploration, seed 5").contains("lost update")
                .contains("-Dsysmem.replay=").contains("| a ").contains("| b ");
        Matcher replay = Pattern.compile("-Dsysmem.replay=(\\S+)").matcher(failure.getMessage());
        assertThat(replay.find()).isTrue();
        System.setProperty(RaceTestExtension.REPLAY_PROPERTY, replay.group(1));
        try {
            Throwable replayed = failure(run("lostUpdate"));
            assertThat(replayed.getMessage()).contains("lost update").contains(replay.group(1));
            // A string for one test does not apply to another: the other test says so.
            Throwable other = failure(run("atomicUpdate"));
            assertThat(other.getMessage()).contains("another test").contains("atomicUpdate");
        } finally {
            System.clearProperty(RaceTestExtension.REPLAY_PROPERTY);
        }
    }

    @Test
    void correctCodePassesAndAnExhaustiveRunMustFinish() {
        run("atomicUpdate").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        run("eduStatusPollFixed").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void badDeclarationsNameWhatIsWrong() {
        assertThat(failure(run("unknownStrategy")).getMessage()).contains("unknownStrategy")
                .contains("unknown exploration strategy 'depth-first'");
        assertThat(failure(run("badReplay")).getMessage()).contains("badReplay").contains("checksum");
    }
}
