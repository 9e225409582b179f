package dev.sysmem.explore;

import java.util.List;

/**
 * A failing schedule as the explorer reports it: how it was found, the failure, the replay string,
 * the shrinking done and the trace table of the (shrunk) schedule.
 *
 * @param test           the test's name
 * @param strategy       the strategy that found it
 * @param seed           the exploration's seed
 * @param iteration      the schedule's number, from 1
 * @param failure        what the schedule threw (an assertion, a deadlock, a device failure ...)
 * @param replay         the pasteable schedule (after shrinking)
 * @param choicesFound   choices of the schedule as found
 * @param choicesShrunk  choices of the reported schedule
 * @param preemptionsFound  preemptions of the schedule as found
 * @param preemptionsShrunk preemptions of the reported schedule
 * @param shrinkRuns     schedules run while shrinking
 * @param threads        thread names, by thread number
 * @param trace          the rendered trace of the reported schedule
 */
public record RaceReport(String test, Strategy strategy, long seed, int iteration, Throwable failure,
                         ReplayString replay, int choicesFound, int choicesShrunk, int preemptionsFound,
                         int preemptionsShrunk, int shrinkRuns, List<String> threads, String trace) {

    /** The report as the failing test prints it. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("race found in ").append(test).append(" by ").append(strategy).append(" exploration, seed ").append(seed)
                .append(", schedule ").append(iteration).append('\n');
        s.append("failure: ").append(failure).append('\n');
        s.append("shrunk: ").append(choicesFound).append(" -> ").append(choicesShrunk).append(" choices, ")
                .append(preemptionsFound).append(" -> ").append(preemptionsShrunk).append(" preemptions (")
                .append(shrinkRuns).append(" schedules run to shrink)\n");
        s.append("replay: @RaceTest(replay = \"").append(replay.format()).append("\")\n");
        s.append("    or: -Dsysmem.replay=").append(replay.format()).append('\n');
        s.append("threads: ");
        for (int i = 0; i < threads.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(i).append('=').append(threads.get(i));
        }
        s.append('\n').append(trace);
        return s.toString();
    }
}
