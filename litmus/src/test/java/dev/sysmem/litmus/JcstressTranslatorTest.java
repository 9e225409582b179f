package dev.sysmem.litmus;

import dev.sysmem.litmus.model.LitmusParser;
import dev.sysmem.litmus.model.LitmusProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JcstressTranslatorTest {

    private static Translation translate(String result, String init, String p0, String p1, String condition) {
        String text = "C t\n(*\n * Result: " + result + "\n *)\n" + init + "\nP0(int *x, int *y, spinlock_t *s)\n{\n" + p0
                + "\n}\nP1(int *x, int *y, spinlock_t *s)\n{\n" + p1 + "\n}\n" + condition + "\n";
        LitmusProgram program = LitmusParser.parse("t.litmus", text);
        return JcstressTranslator.translate(program, "T");
    }

    @Test
    void mapsEachPrimitiveToItsKernelOpsCall() {
        Translation t = translate("Never", "{ x=3; 1:r1=7; }",
                "int r0; WRITE_ONCE(*x, 1); smp_wmb(); smp_store_release(y, 2); smp_mb(); r0 = xchg_relaxed(x, 4);",
                "int r0; int r1; r0 = smp_load_acquire(y); smp_rmb(); if (r0 == 2) r1 = READ_ONCE(*x); else r1 = -1; "
                        + "spin_lock(s); spin_unlock(s); r1 = r1 + atomic_fetch_add(1, x);",
                "exists (1:r0=2 /\\ 1:r1=0 /\\ x=1)");
        assertThat(t).isInstanceOfSatisfying(Translation.Test.class, test -> {
            assertThat(test.className()).isEqualTo("dev.sysmem.litmus.generated.T");
            assertThat(test.observables()).extracting(o -> o.label()).containsExactly("1:r0", "1:r1", "x");
            assertThat(test.source())
                    .contains("new LitmusMemory(\"T\", 3, 64)")
                    .contains("MEM.opaque().write32(var_x, 3)")
                    .contains("int reg_r1 = 7;")
                    .contains("KernelOps.writeOnce(MEM, var_x, 1);")
                    .contains("KernelOps.wmb();")
                    .contains("KernelOps.storeRelease(MEM, var_y, 2);")
                    .contains("KernelOps.mb();")
                    .contains("reg_r0 = KernelOps.xchg(MEM, RmwOrdering.RMW_ONLY, var_x, 4);")
                    .contains("reg_r0 = KernelOps.loadAcquire(MEM, var_y);")
                    .contains("KernelOps.rmb();")
                    .contains("if ((((reg_r0 == 2) ? 1 : 0)) != 0) {")
                    .contains("reg_r1 = (-1);")
                    .contains("KernelOps.spinLock(MEM, var_s);")
                    .contains("KernelOps.spinUnlock(MEM, var_s);")
                    .contains("KernelOps.fetchAdd(MEM, RmwOrdering.FULL, var_x, 1)")
                    .contains("III_Result")
                    .contains("r.r1 = reg_r0;")
                    .contains("r.r2 = reg_r1;")
                    .contains("@Arbiter")
                    .contains("r.r3 = MEM.opaque().read32(var_x);");
        });
    }

    @Test
    void honoursTheFilesSpacing() {
        LitmusProgram p = LitmusParser.parse("t", "C t\n(* Result: Never *)\nSpacing = 4\n{}\nP0(int *x, int *y) { WRITE_ONCE(*x, 1); }\nexists (x=2)");
        assertThat(((Translation.Test) JcstressTranslator.translate(p, "T")).source()).contains("new LitmusMemory(\"T\", 2, 4)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no Result        | -         | {}            | WRITE_ONCE(*x, 1);                       | exists (x=1)         | no 'Result:' line
            Result Maybe     | Maybe     | {}            | WRITE_ONCE(*x, 1);                       | exists (x=1)         | 'Result: Maybe' is not Never, Sometimes or Always
            RCU              | Never     | {}            | rcu_read_lock(); WRITE_ONCE(*x, 1);      | exists (x=1)         | rcu_read_lock(): RCU
            synchronize_rcu  | Never     | {}            | synchronize_rcu();                       | exists (x=1)         | synchronize_rcu(): RCU
            SRCU             | Never     | {}            | int r0; r0 = srcu_read_lock(s);          | exists (x=1)         | srcu_read_lock(): SRCU
            after_spinlock   | Never     | {}            | spin_lock(s); smp_mb__after_spinlock();  | exists (x=1)         | smp_mb__after_spinlock()
            after_unlock_lock| Never     | {}            | smp_mb__after_unlock_lock();             | exists (x=1)         | smp_mb__after_unlock_lock()
            spin_is_locked   | Never     | {}            | int r0; r0 = spin_is_locked(s);          | exists (x=1)         | spin_is_locked()
            atomic xor       | Never     | {}            | atomic_xor(1, x);                        | exists (x=1)         | no atomic XOR
            unknown call     | Never     | {}            | frobnicate(x);                           | exists (x=1)         | unknown primitive 'frobnicate'
            plain store      | Never     | {}            | *x = 1;                                  | exists (x=1)         | plain C store to '*x'
            plain read       | Never     | {}            | int r0; r0 = *x;                         | exists (x=1)         | plain C read of '*x'
            pointer init     | Never     | { int *p=&x; }| WRITE_ONCE(*x, 1);                       | exists (x=1)         | initialised with the address of 'x'
            pointer register | Never     | {}            | int *r0;                                 | exists (x=1)         | register 'r0' is a pointer
            address deref    | Never     | {}            | int r0; int r1; r1 = READ_ONCE(*r0);     | exists (x=1)         | an address held in a register
            pointer value    | Never     | {}            | WRITE_ONCE(*x, y);                       | exists (x=1)         | 'y' is used as a value
            address of       | Never     | {}            | WRITE_ONCE(*x, &y);                      | exists (x=1)         | '&y' is an address
            cast             | Never     | {}            | WRITE_ONCE(*x, (int) 1);                 | exists (x=1)         | casts
            address in cond  | Never     | {}            | WRITE_ONCE(*x, 1);                       | exists (0:r0=x)      | compares 0:r0 with the address of 'x'
            no such process  | Never     | {}            | WRITE_ONCE(*x, 1);                       | exists (5:r0=1)      | there is no P5
            unknown register | Never     | {}            | WRITE_ONCE(*x, r9);                      | exists (x=1)         | 'r9' is neither a register
            wrong arity      | Never     | {}            | WRITE_ONCE(*x);                          | exists (x=1)         | takes 2 argument(s), given 1
            value of a fence | Never     | {}            | int r0; r0 = smp_mb();                   | exists (x=1)         | smp_mb() has no value to use
            not a deref      | Never     | {}            | WRITE_ONCE(x, 1);                        | exists (x=1)         | takes *variable as argument 1
            too wide a value | Never     | {}            | WRITE_ONCE(*x, 8589934592);              | exists (x=1)         | does not fit the 32-bit slots
            nine observables | Never     | {}            | WRITE_ONCE(*x, 1);                       | exists (0:a=1 /\\ 0:b=1 /\\ 0:c=1 /\\ 0:d=1 /\\ 0:e=1 /\\ 0:f=1 /\\ 0:g=1 /\\ 0:h=1 /\\ x=1) | at most 8
            """)
    void refusesWithAReason(String what, String result, String init, String p0, String condition, String reason) {
        Translation t = translate(result, init, p0, "", condition.replace("\\\\", "\\"));
        if (result.equals("-")) {
            t = JcstressTranslator.translate(LitmusParser.parse("t", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)"), "T");
        }
        assertThat(t).isInstanceOfSatisfying(Translation.Refused.class, r -> assertThat(r.reason()).contains(reason));
    }

    @Test
    void refusesPointerParametersAndBadSpacing() {
        LitmusProgram pointers = LitmusParser.parse("t", "C t\n(* Result: Never *)\n{}\nP0(int **p) { }\nexists (0:r0=1)");
        assertThat(JcstressTranslator.translate(pointers, "T")).isInstanceOfSatisfying(Translation.Refused.class,
                r -> assertThat(r.reason()).contains("'int ** p' is not a pointer to an integer"));
        LitmusProgram spacing = LitmusParser.parse("t", "C t\n(* Result: Never *)\nSpacing = 3\n{}\nP0(int *x) { }\nexists (x=1)");
        assertThat(JcstressTranslator.translate(spacing, "T")).isInstanceOfSatisfying(Translation.Refused.class,
                r -> assertThat(r.reason()).contains("'Spacing = 3' is not a power of two"));
    }

    @Test
    void refusalNamesTheRefusedPrimitiveBeforeItsConsequences() {
        LitmusProgram p = LitmusParser.parse("t", "C t\n(* Result: Never *)\n{ int *p=&x; }\nP0(int *x) {\n int r0;\n"
                + " r0 = rcu_dereference(*x);\n}\nexists (0:r0=1)");
        assertThat(JcstressTranslator.translate(p, "T")).isInstanceOfSatisfying(Translation.Refused.class,
                r -> assertThat(r.reason()).startsWith("line 6: rcu_dereference(): RCU"));
    }

    @Test
    void classNamesAreJavaIdentifiers() {
        assertThat(JcstressTranslator.className(7, "2+2W+poonceonces")).isEqualTo("L007_2_2W_poonceonces");
    }
}
