package dev.sysmem.litmus.explore;

import dev.sysmem.explore.weak.Program;
import dev.sysmem.explore.weak.Program.Barrier;
import dev.sysmem.explore.weak.Program.Binary;
import dev.sysmem.explore.weak.Program.Const;
import dev.sysmem.explore.weak.Program.Expr;
import dev.sysmem.explore.weak.Program.Instruction;
import dev.sysmem.explore.weak.Program.Load;
import dev.sysmem.explore.weak.Program.Reg;
import dev.sysmem.explore.weak.Program.Store;
import dev.sysmem.explore.weak.Program.Update;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.spi.AtomicOp;
import dev.sysmem.io.spi.Fence;
import dev.sysmem.litmus.KernelPrimitive;
import dev.sysmem.litmus.model.Expression;
import dev.sysmem.litmus.model.InitEntry;
import dev.sysmem.litmus.model.LitmusProcess;
import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.Statement;
import dev.sysmem.litmus.model.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * Translates a parsed litmus test into a {@link Program} for the weak-memory model, with the same
 * mapping of kernel primitives to sysmem accesses that the jcstress translation uses
 * ({@code READ_ONCE} → {@code OPAQUE} read, {@code smp_load_acquire} → {@code ACQUIRE_RELEASE}
 * read, {@code smp_mb} → {@code Barriers.mb}, {@code smp_rmb} → {@code Barriers.rmb},
 * {@code smp_wmb} → {@code Barriers.wmb}, fully ordered RMWs → a full fence, the atomic, a full
 * fence; {@code spin_lock} → compare-and-set 0 → 1 once the lock is free; {@code spin_unlock} →
 * a release write of 0).
 *
 * <p>What the model cannot run is refused with a reason, never approximated: pointers held in
 * registers or initialisers ({@code p=&y}), primitives the jcstress mapping refuses (RCU, SRCU,
 * ...), and every function the translation does not know.
 */
public final class ProgramTranslation {

    /** A test the model cannot run, with why. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }
    }

    private final List<String> locations;
    private int temporaries;

    private ProgramTranslation(List<String> locations) {
        this.locations = locations;
    }

    /** The program for {@code test}. */
    public static Program of(LitmusProgram test) throws Refused {
        List<String> locations = new ArrayList<>(test.globals());
        Map<String, Long> initial = new LinkedHashMap<>();
        for (InitEntry entry : test.init()) {
            if (entry.value() instanceof Value.AddressOf a) {
                throw new Refused("the initialiser of " + entry.name() + " is the address of " + a.variable()
                        + ": pointers are not modelled by the weak-memory explorer");
            }
            if (entry.process().isPresent()) {
                throw new Refused("register initialiser " + entry.process().get() + ":" + entry.name()
                        + " is not modelled by the weak-memory explorer");
            }
            initial.put(entry.name(), ((Value.Constant) entry.value()).value());
            if (!locations.contains(entry.name())) {
                locations.add(entry.name());
            }
        }
        ProgramTranslation translation = new ProgramTranslation(locations);
        List<List<Instruction>> threads = new ArrayList<>();
        for (LitmusProcess process : test.processes()) {
            List<Instruction> code = new ArrayList<>();
            translation.statements(process, process.body(), code);
            threads.add(code);
        }
        return new Program(test.name(), threads, initial, locations);
    }

    private void statements(LitmusProcess process, List<Statement> statements, List<Instruction> code) throws Refused {
        for (Statement s : statements) {
            statement(process, s, code);
        }
    }

    private void statement(LitmusProcess process, Statement s, List<Instruction> code) throws Refused {
        switch (s) {
            case Statement.Declaration d -> {
                if (d.type().contains("*")) {
                    throw new Refused("P" + process.index() + " declares pointer register " + d.register() + " at "
                            + d.position() + ": pointers are not modelled by the weak-memory explorer");
                }
                if (d.initialValue().isPresent()) {
                    assign(process, d.register(), d.initialValue().get(), code);
                }
            }
            case Statement.Assignment a -> assign(process, a.register(), a.value(), code);
            case Statement.PlainStore store -> code.add(new Store(location(process, store.address(), true),
                    AccessMode.PLAIN, expression(process, store.value(), code)));
            case Statement.CallStatement c -> call(process, c.call(), null, code);
            case Statement.If i -> {
                Expr condition = expression(process, i.condition(), code);
                int jump = code.size();
                code.add(null);
                statements(process, i.then(), code);
                if (i.otherwise().isEmpty()) {
                    code.set(jump, new Program.JumpUnless(condition, code.size()));
                } else {
                    int skip = code.size();
                    code.add(null);
                    code.set(jump, new Program.JumpUnless(condition, code.size()));
                    statements(process, i.otherwise(), code);
                    code.set(skip, new Program.Jump(code.size()));
                }
            }
            case Statement.Block b -> statements(process, b.statements(), code);
        }
    }

    private void assign(LitmusProcess process, String register, Expression value, List<Instruction> code) throws Refused {
        if (value instanceof Expression.Call call) {
            call(process, call, register, code);
        } else if (value instanceof Expression.Dereference) {
            code.add(new Load(register, location(process, value, true), AccessMode.PLAIN));
        } else {
            code.add(new Program.Assign(register, expression(process, value, code)));
        }
    }

    /** An expression over registers; memory accesses inside it become instructions into temporaries. */
    private Expr expression(LitmusProcess process, Expression e, List<Instruction> code) throws Refused {
        return switch (e) {
            case Expression.Constant c -> new Const(c.value());
            case Expression.Name n -> {
                if (process.hasParameter(n.name()) || locations.contains(n.name())) {
                    throw new Refused("P" + process.index() + " uses the address of " + n.name() + " as a value at "
                            + n.position() + ": pointers are not modelled by the weak-memory explorer");
                }
                yield new Reg(n.name());
            }
            case Expression.Binary b -> new Binary(b.operator(), expression(process, b.left(), code),
                    expression(process, b.right(), code));
            case Expression.Negation n -> new Binary("-", new Const(0), expression(process, n.operand(), code));
            case Expression.Cast c -> expression(process, c.operand(), code);
            case Expression.Dereference d -> {
                String t = temporary();
                code.add(new Load(t, location(process, d, true), AccessMode.PLAIN));
                yield new Reg(t);
            }
            case Expression.Call call -> {
                String t = temporary();
                call(process, call, t, code);
                yield new Reg(t);
            }
            case Expression.AddressOf a -> throw new Refused("P" + process.index() + " takes the address of "
                    + a.variable() + " at " + a.position() + ": pointers are not modelled by the weak-memory explorer");
        };
    }

    private String temporary() {
        return "%t" + temporaries++;
    }

    /**
     * The shared location an argument names: {@code *x} where a dereference is expected, {@code x}
     * otherwise, x a parameter of the process.
     */
    private String location(LitmusProcess process, Expression argument, boolean dereferenced) throws Refused {
        Expression e = argument;
        if (dereferenced) {
            if (!(e instanceof Expression.Dereference d)) {
                throw new Refused("P" + process.index() + " at " + argument.position()
                        + ": expected *location, found an expression the explorer cannot model");
            }
            e = d.operand();
        }
        while (e instanceof Expression.Cast c) {
            e = c.operand();
        }
        if (e instanceof Expression.Name n && process.hasParameter(n.name())) {
            return n.name();
        }
        throw new Refused("P" + process.index() + " at " + argument.position()
                + ": the location is computed (through a register or an expression); pointers are not modelled by "
                + "the weak-memory explorer");
    }

    private void call(LitmusProcess process, Expression.Call call, String result, List<Instruction> code) throws Refused {
        String f = call.function();
        List<Expression> args = call.arguments();
        var refusal = KernelPrimitive.refusal(f);
        if (refusal.isPresent()) {
            throw new Refused(f + " at " + call.position() + ": " + refusal.get());
        }
        switch (f) {
            case "READ_ONCE" -> load(process, result, args, 0, true, AccessMode.OPAQUE, code, call);
            case "atomic_read" -> load(process, result, args, 0, false, AccessMode.OPAQUE, code, call);
            case "smp_load_acquire", "atomic_read_acquire" -> load(process, result, args, 0, false,
                    AccessMode.ACQUIRE_RELEASE, code, call);
            case "WRITE_ONCE" -> store(process, args, true, AccessMode.OPAQUE, code, call);
            case "atomic_set" -> store(process, args, false, AccessMode.OPAQUE, code, call);
            case "smp_store_release", "atomic_set_release" -> store(process, args, false, AccessMode.ACQUIRE_RELEASE, code, call);
            case "smp_store_mb" -> {
                store(process, args, true, AccessMode.OPAQUE, code, call);
                code.add(new Barrier(Fence.MB));
            }
            case "smp_mb", "smp_mb__before_atomic", "smp_mb__after_atomic", "barrier" -> code.add(new Barrier(Fence.MB));
            case "smp_rmb" -> code.add(new Barrier(Fence.RMB));
            case "smp_wmb" -> code.add(new Barrier(Fence.WMB));
            case "spin_lock" -> code.add(new Program.Lock(location(process, arity(call, 1).getFirst(), false)));
            case "spin_unlock" -> code.add(new Store(location(process, arity(call, 1).getFirst(), false),
                    AccessMode.ACQUIRE_RELEASE, new Const(0)));
            case "spin_trylock" -> {
                String old = temporary();
                code.add(new Update(old, location(process, arity(call, 1).getFirst(), false), AtomicOp.COMPARE_AND_EXCHANGE,
                        new Const(0), new Const(1)));
                result(result, new Binary("==", new Reg(old), new Const(0)), code);
            }
            default -> rmw(process, call, result, code);
        }
    }

    private void rmw(LitmusProcess process, Expression.Call call, String result, List<Instruction> code) throws Refused {
        String f = call.function();
        String base = f.replaceFirst("_(relaxed|acquire|release)$", "");
        String old = temporary();
        List<Expression> args = call.arguments();
        Expr newValue;
        switch (base) {
            case "xchg", "atomic_xchg" -> {
                arity(call, 2);
                update(process, old, args.get(0), AtomicOp.GET_AND_SET, null, args.get(1), code);
                newValue = null;
            }
            case "cmpxchg", "atomic_cmpxchg" -> {
                arity(call, 3);
                update(process, old, args.get(0), AtomicOp.COMPARE_AND_EXCHANGE, args.get(1), args.get(2), code);
                newValue = null;
            }
            case "atomic_add_return", "atomic_sub_return", "atomic_fetch_add", "atomic_fetch_sub", "atomic_add",
                 "atomic_sub", "atomic_sub_and_test", "atomic_add_negative" -> {
                arity(call, 2);
                boolean subtract = base.contains("sub");
                Expr delta = expression(process, args.get(0), code);
                update(process, old, args.get(1), AtomicOp.GET_AND_ADD, null,
                        subtract ? new Binary("-", new Const(0), delta) : delta, code);
                newValue = subtract ? new Binary("-", new Reg(old), delta) : new Binary("+", new Reg(old), delta);
            }
            case "atomic_inc_return", "atomic_dec_return", "atomic_fetch_inc", "atomic_fetch_dec", "atomic_inc",
                 "atomic_dec", "atomic_inc_and_test", "atomic_dec_and_test" -> {
                arity(call, 1);
                long delta = base.contains("inc") ? 1 : -1;
                update(process, old, args.get(0), AtomicOp.GET_AND_ADD, null, new Const(delta), code);
                newValue = new Binary("+", new Reg(old), new Const(delta));
            }
            case "atomic_fetch_or", "atomic_or" -> {
                arity(call, 2);
                update(process, old, args.get(1), AtomicOp.GET_AND_BITWISE_OR, null, args.get(0), code);
                newValue = null;
            }
            case "atomic_fetch_and", "atomic_and" -> {
                arity(call, 2);
                update(process, old, args.get(1), AtomicOp.GET_AND_BITWISE_AND, null, args.get(0), code);
                newValue = null;
            }
            default -> throw new Refused(f + " at " + call.position() + " is not a primitive the weak-memory explorer "
                    + "models");
        }
        Expr value;
        if (base.endsWith("_and_test")) {
            value = new Binary("==", newValue, new Const(0));
        } else if (base.equals("atomic_add_negative")) {
            value = new Binary("<", newValue, new Const(0));
        } else if (base.endsWith("_return")) {
            value = newValue;
        } else {
            value = new Reg(old);
        }
        result(result, value, code);
    }

    /**
     * Every RMW is modelled as sysmem makes it: sequentially consistent, with full fences (the
     * model's atomics fence on both sides), whatever ordering suffix the kernel name carries.
     */
    private void update(LitmusProcess process, String old, Expression location, AtomicOp op, Expression expected,
                        Expression operand, List<Instruction> code) throws Refused {
        Expr e = expected == null ? null : expression(process, expected, code);
        Expr o = expression(process, operand, code);
        code.add(new Update(old, location(process, location, false), op, e, o));
    }

    private void update(LitmusProcess process, String old, Expression location, AtomicOp op, Expression expected,
                        Expr operand, List<Instruction> code) throws Refused {
        Expr e = expected == null ? null : expression(process, expected, code);
        code.add(new Update(old, location(process, location, false), op, e, operand));
    }

    private void load(LitmusProcess process, String result, List<Expression> args, int at, boolean dereferenced,
                      AccessMode mode, List<Instruction> code, Expression.Call call) throws Refused {
        arity(call, 1);
        code.add(new Load(result == null ? temporary() : result, location(process, args.get(at), dereferenced), mode));
    }

    private void store(LitmusProcess process, List<Expression> args, boolean dereferenced, AccessMode mode,
                       List<Instruction> code, Expression.Call call) throws Refused {
        arity(call, 2);
        String where = location(process, args.get(0), dereferenced);
        code.add(new Store(where, mode, expression(process, args.get(1), code)));
    }

    private static void result(String register, Expr value, List<Instruction> code) {
        if (register != null) {
            code.add(new Program.Assign(register, value));
        }
    }

    private static List<Expression> arity(Expression.Call call, int n) throws Refused {
        if (call.arguments().size() != n) {
            throw new Refused(call.function() + " at " + call.position() + " takes " + n + " argument(s), found "
                    + call.arguments().size());
        }
        return call.arguments();
    }

}
