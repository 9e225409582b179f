package dev.sysmem.litmus;

import java.util.Optional;

/**
 * One row of a litmus run's table.
 *
 * @param name        the test's name
 * @param file        the file it came from
 * @param lkmm        the file's {@code Result:} word, or "-" if it has none
 * @param condition   the condition's quantifier and the observables it names, for the reader
 * @param observation what this machine showed, if the test ran
 * @param verdict     the verdict
 * @param note        why (the refusal, the error, the dependency edge), or empty
 */
public record TestVerdict(String name, String file, String lkmm, String condition, Optional<Observation> observation,
                          Verdict verdict, String note) {

    /** "Never (0 of 1.2M)", "Sometimes (14 of 1.2M)", or "-" for a test that did not run. */
    public String observed() {
        return observation.filter(o -> o.word().isPresent())
                .map(o -> o.word().get().word() + " (" + o.satisfied() + " of " + o.samples() + ")")
                .orElse("-");
    }
}
