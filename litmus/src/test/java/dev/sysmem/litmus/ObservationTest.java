package dev.sysmem.litmus;

import dev.sysmem.litmus.model.Condition;
import dev.sysmem.litmus.model.LitmusParser;
import dev.sysmem.litmus.model.ModelResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObservationTest {

    private static Condition condition(String text) {
        return LitmusParser.parse("t", "C t\n{}\nP0(int *x) {}\nP1(int *x) {}\n" + text).condition();
    }

    private static Map<String, Long> outcomes(Object... idsAndCounts) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < idsAndCounts.length; i += 2) {
            out.put((String) idsAndCounts[i], ((Number) idsAndCounts[i + 1]).longValue());
        }
        return out;
    }

    @Test
    void countsSamplesSatisfyingTheProposition() {
        Condition c = condition("exists (0:r0=0 /\\ 1:r0=0)");
        Observation o = Observation.of(c, c.observables(), outcomes("0, 0", 5, "0, 1", 10, "1, 1", 7));
        assertThat(o.satisfied()).isEqualTo(5);
        assertThat(o.refuted()).isEqualTo(17);
        assertThat(o.word()).contains(ModelResult.SOMETIMES);
        assertThat(o.states()).containsEntry("0:r0=0; 1:r0=0;", 5L);
    }

    @Test
    void leavesOutWhatTheFilterRejects() {
        Condition c = condition("filter (x=1) exists (0:r0=0)");
        Observation o = Observation.of(c, c.observables(), outcomes("0, 1", 3, "0, 2", 4, "1, 1", 2));
        assertThat(o.satisfied()).isEqualTo(3);
        assertThat(o.refuted()).isEqualTo(2);
        assertThat(o.filtered()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0} with {1} satisfying, {2} not, dependency {3}: {4}")
    @CsvSource(textBlock = """
            NEVER,     0, 10, false, CONSISTENT
            NEVER,     1, 10, false, VIOLATION
            NEVER,     1, 10, true,  NOT_PROMISED
            NEVER,     0, 10, true,  NOT_PROMISED
            SOMETIMES, 1, 10, false, CONSISTENT
            SOMETIMES, 0, 10, false, STRONGER_THAN_MODEL
            SOMETIMES, 10, 0, false, STRONGER_THAN_MODEL
            ALWAYS,    10, 0, false, CONSISTENT
            ALWAYS,    10, 1, false, VIOLATION
            NEVER,     0, 0,  false, NOT_RUN
            """)
    void grades(ModelResult expected, long satisfied, long refuted, boolean dependency, Verdict verdict) {
        assertThat(new Observation(satisfied, refuted, 0, Map.of()).verdict(expected, dependency)).isEqualTo(verdict);
    }

    @Test
    void refusesAnOutcomeOfTheWrongShape() {
        Condition c = condition("exists (0:r0=0 /\\ 1:r0=0)");
        assertThatThrownBy(() -> Observation.of(c, c.observables(), outcomes("0", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one value per observable");
    }
}
