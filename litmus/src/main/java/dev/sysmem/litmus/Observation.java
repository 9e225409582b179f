package dev.sysmem.litmus;

import dev.sysmem.litmus.model.Condition;
import dev.sysmem.litmus.model.ModelResult;
import dev.sysmem.litmus.model.Observable;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one run showed of a litmus test's condition: how many samples satisfied its proposition
 * and how many did not, after its filter, with the count of every final state seen.
 *
 * @param satisfied samples whose final state satisfies the proposition (herd's "Positive")
 * @param refuted   samples whose final state does not (herd's "Negative")
 * @param filtered  samples the condition's filter left out
 * @param states    every final state seen ("0:r0=1; x=2") and its count
 */
public record Observation(long satisfied, long refuted, long filtered, Map<String, Long> states) {

    public Observation {
        states = Map.copyOf(states);
    }

    /**
     * Grades jcstress outcome counts against {@code condition}.
     *
     * @param observables the observables in outcome order
     * @param outcomes    jcstress outcome ids ("1, 0, 2", one value per observable) and their counts
     * @throws IllegalArgumentException if an outcome id does not have one integer per observable
     */
    public static Observation of(Condition condition, List<Observable> observables, Map<String, Long> outcomes) {
        long yes = 0;
        long no = 0;
        long out = 0;
        Map<String, Long> states = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : outcomes.entrySet()) {
            String[] parts = e.getKey().split(",");
            if (parts.length != observables.size()) {
                throw new IllegalArgumentException("outcome '" + e.getKey() + "' does not have one value per observable "
                        + observables.stream().map(Observable::label).toList());
            }
            Map<Observable, Long> state = new HashMap<>();
            StringBuilder label = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                long v;
                try {
                    v = Long.parseLong(parts[i].strip());
                } catch (NumberFormatException nfe) {
                    throw new IllegalArgumentException("outcome '" + e.getKey() + "' has a value that is not an integer", nfe);
                }
                state.put(observables.get(i), v);
                label.append(observables.get(i).label()).append('=').append(v).append("; ");
            }
            states.merge(label.toString().strip(), e.getValue(), Long::sum);
            if (condition.filter().isPresent() && !condition.filter().get().holds(state::get)) {
                out += e.getValue();
            } else if (condition.proposition().holds(state::get)) {
                yes += e.getValue();
            } else {
                no += e.getValue();
            }
        }
        return new Observation(yes, no, out, states);
    }

    /** Samples judged (not filtered out). */
    public long samples() {
        return satisfied + refuted;
    }

    /** Never, Sometimes or Always, as herd7's Observation line would say of these samples; empty if none. */
    public Optional<ModelResult> word() {
        if (samples() == 0) {
            return Optional.empty();
        }
        return Optional.of(satisfied == 0 ? ModelResult.NEVER : refuted == 0 ? ModelResult.ALWAYS : ModelResult.SOMETIMES);
    }

    /**
     * The verdict for a test the model says {@code expected} of.
     *
     * @param restsOnDependency whether the file's Never rests on a dependency ({@link DependencyRule})
     */
    public Verdict verdict(ModelResult expected, boolean restsOnDependency) {
        if (samples() == 0) {
            return Verdict.NOT_RUN;
        }
        if (expected == ModelResult.NEVER && restsOnDependency) {
            return Verdict.NOT_PROMISED;
        }
        return switch (expected) {
            case NEVER -> satisfied > 0 ? Verdict.VIOLATION : Verdict.CONSISTENT;
            case ALWAYS -> refuted > 0 ? Verdict.VIOLATION : Verdict.CONSISTENT;
            case SOMETIMES -> satisfied > 0 && refuted > 0 ? Verdict.CONSISTENT : Verdict.STRONGER_THAN_MODEL;
        };
    }
}
