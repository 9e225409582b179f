package dev.sysmem.litmus.explore;

import dev.sysmem.explore.weak.Program;
import dev.sysmem.explore.weak.ProgramExplorer;
import dev.sysmem.litmus.DependencyRule;
import dev.sysmem.litmus.ModelColumn;
import dev.sysmem.litmus.model.Condition;
import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.ModelResult;
import dev.sysmem.litmus.model.Observable;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Explores a litmus test exhaustively on the weak-memory model and judges the result against the
 * file's {@code Result:} line.
 *
 * @param test       the test
 * @param verdict    the verdict
 * @param observed   what the model shows for the condition's proposition: Never, Sometimes or
 *                   Always (empty if not explored)
 * @param positive   executions satisfying the proposition (after the filter)
 * @param negative   executions not satisfying it (after the filter)
 * @param outcomes   the distinct final states of the condition's observables, as herd prints them
 * @param executions executions run
 * @param nanos      time taken
 * @param reason     why (unsupported, dependency edges, limits), or empty
 */
public record LitmusExploration(LitmusProgram test, ModelVerdict verdict, Optional<ModelResult> observed, long positive,
                                long negative, List<String> outcomes, long executions, long nanos, String reason) {

    /** Limits of the model, printed with every report that uses it. */
    public static final String LIMITS = "model limits: no load buffering (no promises); volatile accesses and atomics "
            + "are full fences on both sides (stronger than Java's volatile); histories of 8 writes per location";

    /** This exploration as the model's cells of a litmus run's table. */
    public ModelColumn column() {
        return new ModelColumn(ModelReport.observed(this), verdict.label(), reason, verdict.failsRun());
    }

    /** Explores {@code test} with {@code explorer}. */
    public static LitmusExploration of(LitmusProgram test, ProgramExplorer explorer) {
        long start = System.nanoTime();
        Program program;
        try {
            program = ProgramTranslation.of(test);
        } catch (ProgramTranslation.Refused e) {
            return new LitmusExploration(test, ModelVerdict.UNSUPPORTED, Optional.empty(), 0, 0, List.of(), 0,
                    System.nanoTime() - start, e.getMessage());
        }
        ProgramExplorer.Exploration e = explorer.exhaustive(program);
        Condition condition = test.condition();
        long positive = 0;
        long negative = 0;
        TreeSet<String> states = new TreeSet<>();
        List<Observable> shown = condition.observables();
        for (Map.Entry<Map<String, Long>, Long> outcome : e.outcomes().entrySet()) {
            Map<String, Long> state = outcome.getKey();
            if (condition.filter().isPresent() && !condition.filter().get().holds(o -> value(state, o))) {
                continue;
            }
            StringBuilder line = new StringBuilder();
            for (Observable o : shown) {
                line.append(o.label()).append('=').append(value(state, o)).append("; ");
            }
            states.add(line.toString().trim());
            if (condition.proposition().holds(o -> value(state, o))) {
                positive += outcome.getValue();
            } else {
                negative += outcome.getValue();
            }
        }
        ModelResult observed = positive == 0 ? ModelResult.NEVER : negative == 0 ? ModelResult.ALWAYS : ModelResult.SOMETIMES;
        long nanos = System.nanoTime() - start;
        List<String> outcomes = List.copyOf(states);
        if (!e.complete()) {
            return new LitmusExploration(test, ModelVerdict.INCOMPLETE, Optional.of(observed), positive, negative, outcomes,
                    e.executions(), nanos, "stopped after " + e.executions() + " executions");
        }
        String races = e.dataRaces().isEmpty() ? "" : " Plain accesses on shared memory are data races: "
                + String.join("; ", e.dataRaces()) + ".";
        Optional<ModelResult> expected = test.modelResult();
        if (expected.isEmpty()) {
            return new LitmusExploration(test, ModelVerdict.NO_EXPECTATION, Optional.of(observed), positive, negative,
                    outcomes, e.executions(), nanos, races.strip());
        }
        ModelVerdict verdict;
        String reason = "";
        if (expected.get() == observed) {
            verdict = ModelVerdict.CONSISTENT;
        } else if (reaches(observed) && !reaches(expected.get()) || expected.get() == ModelResult.ALWAYS) {
            // The model reached a state the file says never happens (or missed none it says always do).
            List<DependencyRule.Edge> edges = DependencyRule.edges(test);
            if (expected.get() == ModelResult.NEVER && !edges.isEmpty()) {
                verdict = ModelVerdict.DEPENDENCY_ORDERED;
                reason = "LKMM forbids by dependency; sysmem's mapping does not promise it: " + edges;
            } else {
                verdict = ModelVerdict.MODEL_WEAKER;
                reason = "the model reaches what " + test.file() + " says is " + expected.get().word();
            }
        } else {
            verdict = ModelVerdict.MODEL_STRONGER;
            reason = LIMITS;
        }
        return new LitmusExploration(test, verdict, Optional.of(observed), positive, negative, outcomes, e.executions(),
                nanos, (reason + races).strip());
    }

    private static boolean reaches(ModelResult r) {
        return r != ModelResult.NEVER;
    }

    private static long value(Map<String, Long> state, Observable o) {
        return state.getOrDefault(o.label(), 0L);
    }
}
