package dev.sysmem.litmus;

import dev.sysmem.litmus.model.LitmusParser;
import dev.sysmem.litmus.model.LitmusProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DependencyRuleTest {

    private static LitmusProgram program(String result, String p0) {
        return LitmusParser.parse("t", "C t\n(* Result: " + result + " *)\n{}\nP0(int *x, int *y, atomic_t *v)\n{\n"
                + p0 + "\n}\nexists (x=1)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            control                    | int r0; r0 = READ_ONCE(*x); if (r0) WRITE_ONCE(*y, 1);               | CONTROL
            data                       | int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0);                      | DATA
            data through a register    | int r0; int r1; r0 = READ_ONCE(*x); r1 = r0 * 0; WRITE_ONCE(*y, r1); | DATA
            data into a relaxed RMW    | int r0; int r1; r0 = READ_ONCE(*x); r1 = xchg_relaxed(y, r0);        | DATA
            from a relaxed RMW         | int r0; r0 = xchg_relaxed(x, 1); WRITE_ONCE(*y, r0);                 | DATA
            control past an rmb        | int r0; r0 = READ_ONCE(*x); smp_rmb(); if (r0) WRITE_ONCE(*y, 1);    | CONTROL
            plain round trip           | int r0; r0 = READ_ONCE(*x); *y = r0;                                 | DATA
            """)
    void findsAnUnorderedDependency(String what, String body, DependencyRule.Kind kind) {
        LitmusProgram p = program("Never", body);
        assertThat(DependencyRule.edges(p)).extracting(DependencyRule.Edge::kind).contains(kind);
        assertThat(DependencyRule.restsOnDependency(p)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no dependency              | int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*y, 1);
            ordered by smp_mb          | int r0; r0 = READ_ONCE(*x); smp_mb(); if (r0) WRITE_ONCE(*y, 1);
            ordered by a full RMW      | int r0; int r1; r0 = READ_ONCE(*x); r1 = xchg(v, 1); WRITE_ONCE(*y, r0);
            acquire source             | int r0; r0 = smp_load_acquire(x); if (r0) WRITE_ONCE(*y, 1);
            release target             | int r0; r0 = READ_ONCE(*x); smp_store_release(y, r0);
            control to a read only     | int r0; int r1; r0 = READ_ONCE(*x); if (r0) r1 = READ_ONCE(*y);
            fully ordered RMW source   | int r0; r0 = xchg(x, 1); WRITE_ONCE(*y, r0);
            overwritten register       | int r0; r0 = READ_ONCE(*x); r0 = 1; WRITE_ONCE(*y, r0);
            """)
    void findsNoneWhereSomethingElseOrders(String what, String body) {
        LitmusProgram p = program("Never", body);
        assertThat(DependencyRule.edges(p)).isEmpty();
        assertThat(DependencyRule.restsOnDependency(p)).isFalse();
    }

    @Test
    void onlyANeverCanRestOnADependency() {
        LitmusProgram p = program("Sometimes", "int r0; r0 = READ_ONCE(*x); if (r0) WRITE_ONCE(*y, 1);");
        assertThat(DependencyRule.edges(p)).hasSize(1);
        assertThat(DependencyRule.restsOnDependency(p)).isFalse();
    }

    @Test
    void marksExactlyTheDependencyTestsOfTheModulesSet() throws IOException {
        List<String> flagged = new ArrayList<>();
        for (Path f : LitmusRun.litmusFiles(List.of(Path.of("src/test/litmus")))) {
            LitmusProgram p = LitmusParser.parse(f);
            if (DependencyRule.restsOnDependency(p)) {
                flagged.add(p.name());
            }
        }
        assertThat(flagged).containsExactlyInAnyOrder("LB+ctrlonceonce+fencembonceonce", "LB+dataonceonce+fencembonceonce");
    }
}
