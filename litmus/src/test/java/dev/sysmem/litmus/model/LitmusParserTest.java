package dev.sysmem.litmus.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LitmusParserTest {

    private static final String MP = """
            C MP+poonceonces

            (*
             * Result: Sometimes
             *
             * Prose that mentions Result: Never must not count: only the first Result: line does.
             *)

            {}

            P0(int *x, int *y)
            {
            \tWRITE_ONCE(*x, 1);
            \tWRITE_ONCE(*y, 1);
            }

            P1(int *x, int *y)
            {
            \tint r0;
            \tint r1;

            \tr0 = READ_ONCE(*y);
            \tr1 = READ_ONCE(*x);
            }

            exists (1:r0=1 /\\ 1:r1=0) (* Bad outcome. *)
            """;

    @Test
    void readsTheKernelsLayout() {
        LitmusProgram p = LitmusParser.parse("MP.litmus", MP);
        assertThat(p.name()).isEqualTo("MP+poonceonces");
        assertThat(p.result()).contains("Sometimes");
        assertThat(p.modelResult()).contains(ModelResult.SOMETIMES);
        assertThat(p.init()).isEmpty();
        assertThat(p.processes()).hasSize(2);
        assertThat(p.processes().get(0).parameters()).extracting(LitmusProcess.Parameter::name).containsExactly("x", "y");
        assertThat(p.processes().get(1).body()).hasSize(4);
        Statement.Assignment a = (Statement.Assignment) p.processes().get(1).body().get(2);
        assertThat(a.register()).isEqualTo("r0");
        assertThat(a.value()).isInstanceOfSatisfying(Expression.Call.class, c -> {
            assertThat(c.function()).isEqualTo("READ_ONCE");
            assertThat(c.arguments().getFirst()).isInstanceOf(Expression.Dereference.class);
        });
        assertThat(a.position()).isEqualTo(new Position(22, 2));
        assertThat(p.condition().quantifier()).isEqualTo(Condition.Quantifier.EXISTS);
        assertThat(p.condition().observables()).containsExactly(new Observable.RegisterRef(1, "r0"),
                new Observable.RegisterRef(1, "r1"));
        assertThat(p.condition().text()).isEqualTo("exists (1:r0=1 /\\ 1:r1=0)");
        assertThat(p.globals()).containsExactly("x", "y");
    }

    @Test
    void readsEveryInitForm() {
        LitmusProgram p = LitmusParser.parse("init.litmus", """
                C init
                (* Result: Never *)
                Spacing = 4
                {
                  x=42; int y = -1; int *p=&y; q=x; 0:r1=5; atomic_t v=ATOMIC_INIT(3); spinlock_t s; int z;
                }
                P0(void) { }
                exists (0:r1=5)
                """);
        assertThat(p.result()).contains("Never");
        assertThat(p.info()).isEqualTo(Map.of("Spacing", "4"));
        assertThat(p.init()).extracting(InitEntry::name).containsExactly("x", "y", "p", "q", "r1", "v", "s", "z");
        assertThat(p.init().get(0).value()).isEqualTo(new Value.Constant(42));
        assertThat(p.init().get(1).type()).contains("int");
        assertThat(p.init().get(1).value()).isEqualTo(new Value.Constant(-1));
        assertThat(p.init().get(2).type()).contains("int *");
        assertThat(p.init().get(2).value()).isEqualTo(new Value.AddressOf("y"));
        assertThat(p.init().get(3).value()).isEqualTo(new Value.AddressOf("x"));
        assertThat(p.init().get(4).process()).contains(0);
        assertThat(p.init().get(5).value()).isEqualTo(new Value.Constant(3));
        assertThat(p.init().get(6).type()).contains("spinlock_t");
        assertThat(p.init().get(7).value()).isEqualTo(new Value.Constant(0));
        assertThat(p.processes().getFirst().parameters()).isEmpty();
    }

    @Test
    void readsStatementsAndExpressions() {
        LitmusProgram p = LitmusParser.parse("stmts.litmus", """
                C stmts
                {}
                P0(int *x, int **p, spinlock_t *s, atomic_t *v)
                {
                    int r0 = READ_ONCE(*x); // a comment
                    int *r1;
                    /* a block comment */
                    r0 = 1 + 2 * 3 == 7 | r0 & 1 ^ 2;
                    if (r0 != 0) { WRITE_ONCE(*x, -r0); } else WRITE_ONCE(*x, 2);
                    if (r0 >= 1) smp_mb();
                    *x = 3;
                    r0 = *(intptr_t *)r1;
                    r0 = cmpxchg_acquire(x, 0, 1) + xchg(x, 2) + atomic_fetch_add(1, v);
                    spin_lock(s);
                    spin_unlock(s);
                    { smp_wmb(); }
                    ;
                }
                exists (0:r0=1)
                """);
        List<Statement> body = p.processes().getFirst().body();
        assertThat(p.processes().getFirst().parameters().get(1).type()).isEqualTo("int **");
        assertThat(body.get(0)).isInstanceOfSatisfying(Statement.Declaration.class,
                d -> assertThat(d.initialValue()).isPresent());
        assertThat(body.get(1)).isInstanceOfSatisfying(Statement.Declaration.class,
                d -> assertThat(d.type()).isEqualTo("int *"));
        // C precedence: | binds loosest, then ^, &, ==, +, *.
        Expression.Binary or = (Expression.Binary) ((Statement.Assignment) body.get(2)).value();
        assertThat(or.operator()).isEqualTo("|");
        assertThat(((Expression.Binary) or.left()).operator()).isEqualTo("==");
        assertThat(((Expression.Binary) or.right()).operator()).isEqualTo("^");
        assertThat(body.get(3)).isInstanceOfSatisfying(Statement.If.class, i -> {
            assertThat(i.then()).hasSize(1).first().isInstanceOf(Statement.Block.class);
            assertThat(i.otherwise()).hasSize(1).first().isInstanceOf(Statement.CallStatement.class);
        });
        assertThat(body.get(4)).isInstanceOfSatisfying(Statement.If.class, i -> assertThat(i.otherwise()).isEmpty());
        assertThat(body.get(5)).isInstanceOf(Statement.PlainStore.class);
        assertThat(((Statement.Assignment) body.get(6)).value()).isInstanceOfSatisfying(Expression.Dereference.class,
                d -> assertThat(d.operand()).isInstanceOf(Expression.Cast.class));
        assertThat(body.get(8)).isInstanceOf(Statement.CallStatement.class);
        assertThat(body.get(10)).isInstanceOf(Statement.Block.class);
        assertThat(body).hasSize(11);
    }

    @Test
    void readsEveryConditionForm() {
        String head = "C c\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\n";
        Condition c = LitmusParser.parse("c", head + "locations [0:r1; x;] filter (x=1) ~exists (0:r0=1 \\/ ~(x!=2) /\\ [x]==1 => true \\/ not false)").condition();
        assertThat(c.quantifier()).isEqualTo(Condition.Quantifier.NOT_EXISTS);
        assertThat(c.locations()).containsExactly(new Observable.RegisterRef(0, "r1"), new Observable.MemoryRef("x"));
        assertThat(c.filter()).isPresent();
        assertThat(c.proposition()).isInstanceOf(Proposition.Implies.class);
        assertThat(c.observables()).containsExactly(new Observable.RegisterRef(0, "r0"), new Observable.MemoryRef("x"),
                new Observable.RegisterRef(0, "r1"));
        assertThat(LitmusParser.parse("c", head + "forall (x=1)").condition().quantifier())
                .isEqualTo(Condition.Quantifier.FORALL);
        assertThat(LitmusParser.parse("c", head + "final (x=1)").condition().quantifier())
                .isEqualTo(Condition.Quantifier.EXISTS);
        assertThat(LitmusParser.parse("c", head + "(x=1)").condition().quantifier()).isEqualTo(Condition.Quantifier.EXISTS);
        assertThat(LitmusParser.parse("c", head + "exists (0:r0=x)").condition().proposition())
                .isInstanceOfSatisfying(Proposition.Atom.class, a -> assertThat(a.value()).isEqualTo(new Value.AddressOf("x")));
        Proposition p = LitmusParser.parse("c", head + "exists (x=1 /\\ 0:r0!=1 \\/ x=2)").condition().proposition();
        assertThat(p.holds(o -> o instanceof Observable.MemoryRef ? 1L : 0L)).isTrue();
        assertThat(p.holds(o -> o instanceof Observable.MemoryRef ? 3L : 0L)).isFalse();
        assertThat(p.holds(o -> o instanceof Observable.MemoryRef ? 2L : 1L)).isTrue();
    }

    @Test
    void takesTheOneLineResultForm() {
        LitmusProgram p = LitmusParser.parse("a", "C auto/x \"doc\"\n(* Result: Maybe DATARACE *)\n{}\nP0(int *x) {}\nexists (x=0)");
        assertThat(p.result()).contains("Maybe");
        assertThat(p.modelResult()).isEmpty();
        assertThat(LitmusParser.parse("a", "C a\n{}\nP0(int *x) {}\nexists (x=0)").result()).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no C line            | X name\\n{}                                                 | 1 | 1 | expected 'C'
            no name              | C\\n{}                                                      | 1 | 2 | has no name
            bad name             | C a{b\\n{}                                                  | 1 | 3 | is not a test name
            no init block        | C a\\n(* c *)\\n                                            | 3 | 1 | no init block
            stray header text    | C a\\nhello\\n{}                                            | 2 | 1 | unexpected text before the init block
            unclosed comment     | C a\\n(* c \\n{}                                            | 2 | 1 | comment is never closed
            bad init item        | C a\\n{ x=; }                                               | 2 | 5 | expected a value after '='
            process number       | C a\\n{}\\nP1(int *x) {}\\nexists (x=1)                     | 3 | 1 | expected process P0
            unclosed brace       | C a\\n{}\\nP0(int *x) {\\n WRITE_ONCE(*x, 1);\\n            | 3 | 12 | '{' is never closed
            missing semicolon    | C a\\n{}\\nP0(int *x) {\\n WRITE_ONCE(*x, 1)\\n}\\nexists (x=1) | 5 | 1 | expected ';'
            while loop           | C a\\n{}\\nP0(int *x) {\\n while (1) {}\\n}\\nexists (x=1)  | 4 | 2 | 'while' statements
            logical and          | C a\\n{}\\nP0(int *x) {\\n int r0 = 1 && 2;\\n}\\nexists (x=1) | 4 | 13 | '&&' is not part
            bad character        | C a\\n{}\\nP0(int *x) {\\n int r0 = 1 @ 2;\\n}\\nexists (x=1) | 4 | 13 | unexpected character '@'
            no process           | C a\\n{}\\nexists (x=1)                                     | 3 | 1 | the test has no process
            no condition         | C a\\n{}\\nP0(int *x) {}\\n                                  | 4 | 1 | no condition
            bad parameter        | C a\\n{}\\nP0(x) {}\\nexists (x=1)                           | 3 | 4 | expected a parameter
            assign to call       | C a\\n{}\\nP0(int *x) {\\n f() = 1;\\n}\\nexists (x=1)        | 4 | 2 | only a register or *pointer
            bad atom             | C a\\n{}\\nP0(int *x) {}\\nexists (x 1)                      | 4 | 11 | expected '=' or '!='
            trailing garbage     | C a\\n{}\\nP0(int *x) {}\\nexists (x=1) x                    | 4 | 14 | after the condition
            bad quantifier       | C a\\n{}\\nP0(int *x) {}\\nfilter (x=1) maybe (x=1)          | 4 | 14 | expected exists
            malformed number     | C a\\n{}\\nP0(int *x) {\\n int r0 = 12ab;\\n}\\nexists (x=1) | 4 | 11 | malformed number
            """)
    void namesFileLineAndColumnOfAMalformedFile(String what, String text, int line, int column, String problem) {
        assertThatThrownBy(() -> LitmusParser.parse("bad.litmus", text.replace("\\n", "\n")))
                .isInstanceOfSatisfying(LitmusSyntaxException.class, e -> {
                    assertThat(e.file()).isEqualTo("bad.litmus");
                    assertThat(e.position()).isEqualTo(new Position(line, column));
                })
                .hasMessageStartingWith("bad.litmus:" + line + ":" + column + ": ")
                .hasMessageContaining(problem);
    }
}
