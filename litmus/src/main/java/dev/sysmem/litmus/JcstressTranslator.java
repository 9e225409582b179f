package dev.sysmem.litmus;

import dev.sysmem.litmus.model.Condition;
import dev.sysmem.litmus.model.Expression;
import dev.sysmem.litmus.model.InitEntry;
import dev.sysmem.litmus.model.LitmusProcess;
import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.Observable;
import dev.sysmem.litmus.model.Position;
import dev.sysmem.litmus.model.Proposition;
import dev.sysmem.litmus.model.Statement;
import dev.sysmem.litmus.model.Value;
import dev.sysmem.litmus.runtime.LitmusMemory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Translates a {@link LitmusProgram} into the Java source of a jcstress test over SysMem, or
 * refuses it with the reason.
 *
 * <p><b>The translation.</b> Each global variable is a 32-bit slot of one {@link LitmusMemory}
 * block per jcstress state, {@link LitmusMemory#DEFAULT_SPACING} bytes apart (one cache line)
 * unless the file has a {@code Spacing = N} line before its init block. Each process is one
 * {@code @Actor}; its registers are Java {@code int} locals. Each kernel primitive becomes the
 * {@link KernelPrimitive} row's call; C expressions become Java {@code int} expressions (a
 * comparison yields 1 or 0; a condition is true when non-zero, as in C). The outcome holds the
 * condition's observables in {@link Condition#observables()} order: each register is stored by its
 * process's actor at its end, each memory location is read by an {@code @Arbiter} after all actors.
 * The only declared outcome is a catch-all ACCEPTABLE one: the runner grades outcomes against the
 * file's condition itself.
 *
 * <p><b>Refusals</b> (never an approximation): no {@code Result:} of Never/Sometimes/Always; a
 * refused or unknown primitive; plain C accesses ({@code *x = 1}, {@code r = *x}: LKMM judges them
 * with data-race rules sysmem does not model); pointers (pointer-typed variables or registers,
 * addresses in init or condition, casts); more than 8 observables (jcstress's widest outcome);
 * names that are not a process's parameter or register.
 */
public final class JcstressTranslator {

    /** The package of generated tests. */
    public static final String PACKAGE = "dev.sysmem.litmus.generated";

    /** jcstress 0.16's widest int outcome: {@code IIIIIIII_Result}. */
    public static final int MAX_OBSERVABLES = 8;

    private static final Pattern SCALAR_TYPE = Pattern.compile("((volatile|const|unsigned|signed) )*"
            + "(int|long|short|char|intptr_t|uintptr_t|u?int(8|16|32|64)_t|[us](8|16|32|64)|atomic_t|atomic_int|spinlock_t)");

    private final LitmusProgram program;
    private final String simpleName;

    private JcstressTranslator(LitmusProgram program, String simpleName) {
        this.program = program;
        this.simpleName = simpleName;
    }

    /**
     * Translates {@code program} into test class {@code simpleName} of {@link #PACKAGE}.
     *
     * @param simpleName a Java identifier, unique among the tests compiled together
     */
    public static Translation translate(LitmusProgram program, String simpleName) {
        try {
            return new JcstressTranslator(program, simpleName).test();
        } catch (Refusal r) {
            return new Translation.Refused(program, r.getMessage());
        }
    }

    /** A Java class name made from a test name: letters, digits and underscores, prefixed to be unique. */
    public static String className(int index, String testName) {
        return "L%03d_%s".formatted(index, testName.replaceAll("[^A-Za-z0-9]", "_"));
    }

    private static final class Refusal extends RuntimeException {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    private static Refusal refuse(Position at, String reason) {
        return new Refusal("line " + at.line() + ": " + reason);
    }

    private Translation.Test test() {
        String result = program.result().orElseThrow(() -> new Refusal(
                "no 'Result:' line in the file's comment: nothing to check the run against"));
        if (program.modelResult().isEmpty()) {
            throw new Refusal("'Result: " + result + "' is not Never, Sometimes or Always: no verdict can be checked");
        }
        for (LitmusProcess p : program.processes()) {
            firstRefusedCall(p.body()).ifPresent(call -> {
                throw refuse(call.position(), call.function() + "(): " + KernelPrimitive.refusal(call.function()).get());
            });
        }
        int spacing = spacing();
        List<String> globals = program.globals();
        Map<String, Long> initial = new LinkedHashMap<>();
        Map<String, Long> registerInit = new LinkedHashMap<>();
        for (InitEntry e : program.init()) {
            if (e.value() instanceof Value.AddressOf a) {
                throw refuse(e.position(), "'" + e.name() + "' is initialised with the address of '" + a.variable()
                        + "': pointer-valued locations are not translated (SysMem addresses memory by offset)");
            }
            e.type().filter(t -> !SCALAR_TYPE.matcher(t).matches()).ifPresent(t -> {
                throw refuse(e.position(), "'" + e.name() + "' has type '" + t + "': only integer, atomic_t and "
                        + "spinlock_t variables are translated");
            });
            long v = ((Value.Constant) e.value()).value();
            checkInt(e.position(), v);
            if (e.process().isPresent()) {
                if (e.process().get() >= program.processes().size()) {
                    throw refuse(e.position(), "the init block sets a register of P" + e.process().get()
                            + ", which the test does not have");
                }
                registerInit.put(e.process().get() + ":" + e.name(), v);
            } else {
                initial.put(e.name(), v);
            }
        }
        for (LitmusProcess p : program.processes()) {
            for (LitmusProcess.Parameter param : p.parameters()) {
                if (!param.type().strip().matches(SCALAR_TYPE.pattern() + " \\*")) {
                    throw refuse(p.position(), "P" + p.index() + "'s parameter '" + param.type().strip() + " "
                            + param.name() + "' is not a pointer to an integer, atomic_t or spinlock_t: "
                            + "pointer-valued locations are not translated");
                }
            }
        }
        Condition condition = program.condition();
        List<Observable> observables = condition.observables();
        if (observables.size() > MAX_OBSERVABLES) {
            throw refuse(condition.position(), "the condition observes " + observables.size() + " values; jcstress "
                    + "outcomes hold at most " + MAX_OBSERVABLES);
        }
        if (observables.isEmpty()) {
            throw refuse(condition.position(), "the condition observes nothing");
        }
        checkValues(condition.proposition());
        condition.filter().ifPresent(this::checkValues);
        for (Observable o : observables) {
            if (o instanceof Observable.RegisterRef r && r.process() >= program.processes().size()) {
                throw refuse(condition.position(), "the condition names " + r.label() + " but there is no P"
                        + r.process());
            }
        }

        String resultType = "I".repeat(observables.size()) + "_Result";
        StringBuilder src = new StringBuilder();
        src.append("package ").append(PACKAGE).append(";\n\n");
        src.append("import dev.sysmem.litmus.runtime.KernelOps;\n");
        src.append("import dev.sysmem.litmus.runtime.LitmusMemory;\n");
        src.append("import dev.sysmem.litmus.runtime.RmwOrdering;\n");
        src.append("import org.openjdk.jcstress.annotations.*;\n");
        src.append("import org.openjdk.jcstress.infra.results.").append(resultType).append(";\n\n");
        src.append("/*\n * Litmus test ").append(comment(program.name())).append(" (").append(comment(program.file()))
                .append("): the Linux-kernel memory model says ").append(result).append(" for\n *   ")
                .append(comment(condition.quantifier().keyword())).append(" over ")
                .append(comment(observables.stream().map(Observable::label).toList().toString()))
                .append("\n * Generated by dev.sysmem.litmus.JcstressTranslator; the litmus runner grades the outcomes.\n */\n");
        src.append("@JCStressTest\n");
        src.append("@Description(\"Litmus ").append(javaString(program.name())).append(" through SysMem; outcome = ")
                .append(javaString(observables.stream().map(Observable::label).toList().toString())).append("\")\n");
        src.append("@Outcome(expect = Expect.ACCEPTABLE, desc = \"Graded by the litmus runner against the file's condition.\")\n");
        src.append("@State\npublic class ").append(simpleName).append(" {\n\n");
        src.append("    private static final LitmusMemory MEM = new LitmusMemory(\"").append(javaString(simpleName))
                .append("\", ").append(globals.size()).append(", ").append(spacing).append(");\n\n");
        for (String g : globals) {
            src.append("    private final long ").append(variable(g)).append(";\n");
        }
        src.append("\n    public ").append(simpleName).append("() {\n        long block = MEM.nextBlock();\n");
        for (int i = 0; i < globals.size(); i++) {
            String g = globals.get(i);
            src.append("        ").append(variable(g)).append(" = MEM.slot(block, ").append(i).append(");\n");
            src.append("        MEM.opaque().write32(").append(variable(g)).append(", ")
                    .append(initial.getOrDefault(g, 0L)).append(");\n");
        }
        src.append("    }\n");
        for (LitmusProcess p : program.processes()) {
            src.append(actor(p, observables, registerInit, resultType));
        }
        boolean memoryObserved = observables.stream().anyMatch(o -> o instanceof Observable.MemoryRef);
        if (memoryObserved) {
            src.append("\n    @Arbiter\n    public void finalState(").append(resultType).append(" r) {\n");
            for (int i = 0; i < observables.size(); i++) {
                if (observables.get(i) instanceof Observable.MemoryRef m) {
                    src.append("        r.r").append(i + 1).append(" = MEM.opaque().read32(").append(variable(m.variable()))
                            .append(");\n");
                }
            }
            src.append("    }\n");
        }
        src.append("}\n");
        return new Translation.Test(program, PACKAGE + "." + simpleName, src.toString(), observables,
                DependencyRule.edges(program));
    }

    /** The first call of a refused primitive, so that a refusal names it rather than a consequence of it. */
    private static Optional<Expression.Call> firstRefusedCall(List<Statement> statements) {
        for (Statement s : statements) {
            Optional<Expression.Call> found = switch (s) {
                case Statement.Declaration d -> d.initialValue().flatMap(JcstressTranslator::firstRefusedCall);
                case Statement.Assignment a -> firstRefusedCall(a.value());
                case Statement.PlainStore ps -> firstRefusedCall(ps.value());
                case Statement.CallStatement c -> firstRefusedCall(c.call());
                case Statement.If i -> firstRefusedCall(i.condition()).or(() -> firstRefusedCall(i.then()))
                        .or(() -> firstRefusedCall(i.otherwise()));
                case Statement.Block b -> firstRefusedCall(b.statements());
            };
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<Expression.Call> firstRefusedCall(Expression e) {
        return switch (e) {
            case Expression.Call c -> KernelPrimitive.refusal(c.function()).isPresent() ? Optional.of(c)
                    : c.arguments().stream().map(JcstressTranslator::firstRefusedCall).flatMap(Optional::stream).findFirst();
            case Expression.Binary b -> firstRefusedCall(b.left()).or(() -> firstRefusedCall(b.right()));
            case Expression.Negation n -> firstRefusedCall(n.operand());
            case Expression.Cast c -> firstRefusedCall(c.operand());
            case Expression.Dereference d -> firstRefusedCall(d.operand());
            default -> Optional.empty();
        };
    }

    private int spacing() {
        String s = program.info().get("Spacing");
        if (s == null) {
            return LitmusMemory.DEFAULT_SPACING;
        }
        try {
            int v = Integer.parseInt(s.strip());
            if (v >= 4 && v <= 4096 && Integer.bitCount(v) == 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new Refusal("'Spacing = " + s + "' is not a power of two from 4 to 4096 bytes");
    }

    private void checkValues(Proposition p) {
        switch (p) {
            case Proposition.Atom a -> {
                if (a.value() instanceof Value.AddressOf addr) {
                    throw refuse(a.position(), "the condition compares " + a.observable().label() + " with the address of '"
                            + addr.variable() + "': pointer values are not translated");
                }
                checkInt(a.position(), ((Value.Constant) a.value()).value());
            }
            case Proposition.And and -> {
                checkValues(and.left());
                checkValues(and.right());
            }
            case Proposition.Or or -> {
                checkValues(or.left());
                checkValues(or.right());
            }
            case Proposition.Implies i -> {
                checkValues(i.left());
                checkValues(i.right());
            }
            case Proposition.Not n -> checkValues(n.operand());
            case Proposition.Truth t -> {
            }
        }
    }

    private static void checkInt(Position at, long v) {
        if (v < Integer.MIN_VALUE || v > 0xffff_ffffL) {
            throw refuse(at, "value " + v + " does not fit the 32-bit slots of the translation");
        }
    }

    // ---- processes --------------------------------------------------------------------------------

    private String actor(LitmusProcess p, List<Observable> observables, Map<String, Long> registerInit, String resultType) {
        Set<String> registers = new LinkedHashSet<>();
        collectRegisters(p.body(), registers);
        for (Observable o : observables) {
            if (o instanceof Observable.RegisterRef r && r.process() == p.index()) {
                registers.add(r.register());
            }
        }
        registerInit.keySet().stream().filter(k -> k.startsWith(p.index() + ":"))
                .forEach(k -> registers.add(k.substring(k.indexOf(':') + 1)));
        for (String reg : registers) {
            if (p.hasParameter(reg)) {
                throw refuse(p.position(), "P" + p.index() + " uses '" + reg + "' both as a register and as a variable");
            }
        }
        StringBuilder out = new StringBuilder("\n    @Actor\n    public void p").append(p.index()).append("(")
                .append(resultType).append(" r) {\n");
        for (String reg : registers) {
            out.append("        int ").append(register(reg)).append(" = ")
                    .append(registerInit.getOrDefault(p.index() + ":" + reg, 0L).intValue()).append(";\n");
        }
        ProcessBody body = new ProcessBody(p, registers);
        body.statements(p.body(), out, "        ");
        for (int i = 0; i < observables.size(); i++) {
            if (observables.get(i) instanceof Observable.RegisterRef r && r.process() == p.index()) {
                out.append("        r.r").append(i + 1).append(" = ").append(register(r.register())).append(";\n");
            }
        }
        return out.append("    }\n").toString();
    }

    private static void collectRegisters(List<Statement> statements, Set<String> out) {
        for (Statement s : statements) {
            switch (s) {
                case Statement.Declaration d -> out.add(d.register());
                case Statement.Assignment a -> out.add(a.register());
                case Statement.If i -> {
                    collectRegisters(i.then(), out);
                    collectRegisters(i.otherwise(), out);
                }
                case Statement.Block b -> collectRegisters(b.statements(), out);
                case Statement.PlainStore ps -> {
                }
                case Statement.CallStatement c -> {
                }
            }
        }
    }

    private static String register(String name) {
        return "reg_" + name;
    }

    private static String variable(String name) {
        return "var_" + name;
    }

    /** Translates one process's statements and expressions. */
    private static final class ProcessBody {
        private final LitmusProcess process;
        private final Set<String> registers;

        ProcessBody(LitmusProcess process, Set<String> registers) {
            this.process = process;
            this.registers = registers;
        }

        void statements(List<Statement> statements, StringBuilder out, String indent) {
            for (Statement s : statements) {
                statement(s, out, indent);
            }
        }

        void statement(Statement s, StringBuilder out, String indent) {
            switch (s) {
                case Statement.Declaration d -> {
                    if (d.type().contains("*")) {
                        throw refuse(d.position(), "register '" + d.register() + "' is a pointer ('" + d.type()
                                + "'): pointers are not translated");
                    }
                    if (d.initialValue().isPresent()) {
                        out.append(indent).append(register(d.register())).append(" = ")
                                .append(value(d.initialValue().get())).append(";\n");
                    }
                }
                case Statement.Assignment a -> out.append(indent).append(register(a.register())).append(" = ")
                        .append(value(a.value())).append(";\n");
                case Statement.PlainStore ps -> throw refuse(ps.position(), "plain C store to "
                        + describe(ps.address()) + ": LKMM judges plain accesses with data-race rules sysmem does "
                        + "not model; use WRITE_ONCE");
                case Statement.CallStatement c -> out.append(indent).append(call(c.call(), false)).append(";\n");
                case Statement.If i -> {
                    out.append(indent).append("if ((").append(value(i.condition())).append(") != 0) {\n");
                    statements(i.then(), out, indent + "    ");
                    out.append(indent).append("}");
                    if (!i.otherwise().isEmpty()) {
                        out.append(" else {\n");
                        statements(i.otherwise(), out, indent + "    ");
                        out.append(indent).append("}");
                    }
                    out.append("\n");
                }
                case Statement.Block b -> {
                    out.append(indent).append("{\n");
                    statements(b.statements(), out, indent + "    ");
                    out.append(indent).append("}\n");
                }
            }
        }

        String value(Expression e) {
            return switch (e) {
                case Expression.Constant c -> {
                    checkInt(c.position(), c.value());
                    yield Integer.toString((int) c.value());
                }
                case Expression.Name n -> {
                    if (process.hasParameter(n.name())) {
                        throw refuse(n.position(), "'" + n.name() + "' is used as a value, but it is the address of a "
                                + "variable: pointer values are not translated");
                    }
                    if (!registers.contains(n.name())) {
                        throw refuse(n.position(), "'" + n.name() + "' is neither a register of P" + process.index()
                                + " nor one of its parameters");
                    }
                    yield register(n.name());
                }
                case Expression.Negation n -> "(-" + value(n.operand()) + ")";
                case Expression.Binary b -> binary(b);
                case Expression.Call c -> call(c, true);
                case Expression.Dereference d -> throw refuse(d.position(), "plain C read of " + describe(d)
                        + ": LKMM judges plain accesses with data-race rules sysmem does not model; use READ_ONCE");
                case Expression.AddressOf a -> throw refuse(a.position(), "'&" + a.variable()
                        + "' is an address: pointer values are not translated");
                case Expression.Cast c -> throw refuse(c.position(), "cast to '" + c.type()
                        + "': casts (pointer tricks) are not translated");
            };
        }

        private String binary(Expression.Binary b) {
            String l = value(b.left());
            String r = value(b.right());
            return switch (b.operator()) {
                case "==", "!=", "<", ">", "<=", ">=" -> "((" + l + " " + b.operator() + " " + r + ") ? 1 : 0)";
                default -> "(" + l + " " + b.operator() + " " + r + ")";
            };
        }

        private String call(Expression.Call c, boolean valueNeeded) {
            Optional<String> refused = KernelPrimitive.refusal(c.function());
            if (refused.isPresent()) {
                throw refuse(c.position(), c.function() + "(): " + refused.get());
            }
            KernelPrimitive p = KernelPrimitive.of(c.function()).orElseThrow(() -> refuse(c.position(),
                    "unknown primitive '" + c.function() + "': not one this runner maps (see the mapping table)"));
            if (valueNeeded && !p.returnsValue()) {
                throw refuse(c.position(), c.function() + "() has no value to use");
            }
            if (c.arguments().size() != p.arguments().size()) {
                throw refuse(c.position(), c.function() + "() takes " + p.arguments().size() + " argument(s), given "
                        + c.arguments().size());
            }
            List<String> args = new ArrayList<>();
            for (int i = 0; i < c.arguments().size(); i++) {
                Expression arg = c.arguments().get(i);
                args.add(switch (p.arguments().get(i)) {
                    case DEREFERENCED_LOCATION -> {
                        if (!(arg instanceof Expression.Dereference d)) {
                            throw refuse(arg.position(), c.function() + "() takes *variable as argument " + (i + 1));
                        }
                        yield location(d.operand(), c.function());
                    }
                    case LOCATION -> location(arg, c.function());
                    case VALUE -> value(arg);
                });
            }
            return p.javaCall(args);
        }

        private String location(Expression e, String function) {
            if (e instanceof Expression.AddressOf a && process.hasParameter(a.variable())) {
                return variable(a.variable());
            }
            if (!(e instanceof Expression.Name n)) {
                throw refuse(e.position(), function + "() on " + describe(e) + ": only a variable named by a "
                        + "parameter of P" + process.index() + " is translated (no pointer arithmetic or casts)");
            }
            if (!process.hasParameter(n.name())) {
                throw refuse(e.position(), function + "() on '" + n.name() + "': "
                        + (registers.contains(n.name()) ? "an address held in a register (an address dependency): "
                        + "pointers are not translated" : "not a parameter of P" + process.index()));
            }
            return variable(n.name());
        }

        private static String describe(Expression e) {
            return switch (e) {
                case Expression.Name n -> "'" + n.name() + "'";
                case Expression.Dereference d -> "'*" + describe(d.operand()).replace("'", "") + "'";
                default -> "an expression";
            };
        }
    }

    private static String comment(String s) {
        return s.replace("*/", "* /");
    }

    private static String javaString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
