package dev.sysmem.explore;

import java.time.Duration;
import java.util.Optional;

/**
 * What an exploration did.
 *
 * @param test          the test's name
 * @param strategy      the strategy
 * @param seed          the seed
 * @param schedules     schedules run (not counting shrinking)
 * @param exhausted     for {@link Strategy#EXHAUSTIVE}: every schedule within the bound was run
 * @param deadlineHit   the exploration stopped at its deadline before its iterations were done
 * @param elapsed       wall time, shrinking included
 * @param race          the failing schedule, if one was found
 */
public record ExplorationResult(String test, Strategy strategy, long seed, int schedules, boolean exhausted,
                                boolean deadlineHit, Duration elapsed, Optional<RaceReport> race) {

    /** A line for logs: schedules run, whether the space was exhausted, whether a race was found. */
    public String summary() {
        return test + ": " + strategy + " seed " + seed + ", " + schedules + " schedules in " + elapsed.toMillis() + " ms"
                + (strategy == Strategy.EXHAUSTIVE ? (exhausted ? ", every schedule within the bound run" : ", NOT exhausted") : "")
                + (deadlineHit ? ", stopped at the deadline" : "")
                + race.map(r -> ", race found in schedule " + r.iteration()).orElse(", no failure");
    }
}
