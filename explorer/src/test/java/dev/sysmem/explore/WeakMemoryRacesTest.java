package dev.sysmem.explore;

import dev.sysmem.explore.races.KnownRace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every race that needs weak memory (a missing release, acquire or barrier): sequentially
 * consistent exploration does not find it (every interleaving is correct, as on x86-64), the
 * weak-memory explorer does with each strategy, its replay string (which carries the model's value
 * choices) reproduces the failure 100 times out of 100, and the fixed driver passes the same
 * weak-memory exploration. The sequentially consistent miss is what shows the model, not the
 * schedule, finds these bugs.
 */
class WeakMemoryRacesTest {

    private static final int FIND_BUDGET = 3_000;
    private static final int ITERATIONS = 300;

    @TestFactory
    List<DynamicTest> everyWeakMemoryRaceNeedsTheModelAndIsReplayedAndFixed() {
        List<DynamicTest> tests = new ArrayList<>();
        for (KnownRace race : KnownRace.weakMemory()) {
            tests.add(DynamicTest.dynamicTest(race.name() + " / sequentially consistent memory: not found",
                    () -> assertThat(explorer(race, Strategy.RANDOM, false).iterations(ITERATIONS).build()
                            .explore(race.buggy()).race()).isEmpty()));
            for (Strategy strategy : Strategy.values()) {
                tests.add(DynamicTest.dynamicTest(race.name() + " / weak memory / " + strategy, () -> check(race, strategy)));
            }
        }
        return tests;
    }

    private static void check(KnownRace race, Strategy strategy) {
        ExplorationResult found = explorer(race, strategy, true).iterations(FIND_BUDGET).build().explore(race.buggy());
        assertThat(found.race()).as(found.summary()).isPresent();
        RaceReport report = found.race().orElseThrow();
        if (Boolean.getBoolean("explorer.print")) {
            System.out.println(report.describe());
        }
        assertThat(report.replay().weakMemory()).isTrue();
        assertThat(report.replay().format()).contains(":weak:");
        for (int i = 0; i < 100; i++) {
            // The builder does not ask for weak memory: the replay string brings it.
            ExplorationResult replayed = Explorer.builder(race.name()).replay(report.replay().format())
                    .deadline(Duration.ofSeconds(30)).build().explore(race.buggy());
            assertThat(replayed.race()).as("replay %d", i).isPresent();
            assertThat(replayed.race().orElseThrow().failure()).hasSameClassAs(report.failure())
                    .hasMessage(report.failure().getMessage());
        }
        ExplorationResult fixed = explorer(race, strategy, true).build().explore(race.fixed());
        assertThat(fixed.race()).as(fixed.summary()).isEmpty();
    }

    private static Explorer.Builder explorer(KnownRace race, Strategy strategy, boolean weak) {
        return Explorer.builder(race.name()).strategy(strategy).seed(11).iterations(ITERATIONS).weakMemory(weak)
                .deadline(Duration.ofSeconds(60));
    }
}
