package dev.sysmem.explore;

import dev.sysmem.explore.races.KnownRace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every known race: the explorer finds it (random, PCT and exhaustive with 2 preemptions), the shrunk schedule is small, its
 * replay string reproduces the failure 100 times out of 100, and the fixed driver passes the same
 * exploration. The fixed drivers' passing runs are what make the buggy ones' failures evidence:
 * the same harness, the same devices, the same schedules budget.
 */
class KnownRacesTest {

    /** Schedules the buggy driver may take to fail (the search stops at the first failure). */
    private static final int FIND_BUDGET = 3_000;
    /** Schedules the fixed driver must pass. */
    private static final int ITERATIONS = 300;

    @TestFactory
    List<DynamicTest> everyKnownRaceIsFoundReplayedAndFixed() {
        List<DynamicTest> tests = new ArrayList<>();
        for (KnownRace race : KnownRace.all()) {
            for (Strategy strategy : Strategy.values()) {
                tests.add(DynamicTest.dynamicTest(race.name() + " / " + strategy, () -> check(race, strategy)));
            }
        }
        return tests;
    }

    private static void check(KnownRace race, Strategy strategy) {
        ExplorationResult found = explorer(race, strategy).iterations(FIND_BUDGET).build().explore(race.buggy());
        assertThat(found.race()).as(found.summary()).isPresent();
        RaceReport report = found.race().orElseThrow();
        if (Boolean.getBoolean("explorer.print")) {
            System.out.println(report.describe());
        }
        assertThat(report.preemptionsShrunk()).as(report.describe()).isLessThanOrEqualTo(2);
        for (int i = 0; i < 100; i++) {
            ExplorationResult replayed = Explorer.builder(race.name()).replay(report.replay().format())
                    .deadline(Duration.ofSeconds(30)).build().explore(race.buggy());
            assertThat(replayed.race()).as("replay %d", i).isPresent();
            assertThat(replayed.race().orElseThrow().failure()).hasSameClassAs(report.failure())
                    .hasMessage(report.failure().getMessage());
        }
        ExplorationResult fixed = explorer(race, strategy).build().explore(race.fixed());
        assertThat(fixed.race()).as(fixed.summary()).isEmpty();
        if (strategy == Strategy.EXHAUSTIVE) {
            assertThat(fixed.exhausted() || fixed.schedules() == ITERATIONS).as(fixed.summary()).isTrue();
        } else {
            assertThat(fixed.schedules()).isEqualTo(ITERATIONS);
        }
    }

    private static Explorer.Builder explorer(KnownRace race, Strategy strategy) {
        return Explorer.builder(race.name()).strategy(strategy).seed(11).iterations(ITERATIONS)
                .deadline(Duration.ofSeconds(60));
    }
}
