package dev.sysmem.litmus;

import dev.sysmem.litmus.KernelPrimitive.Effect;
import dev.sysmem.litmus.model.Expression;
import dev.sysmem.litmus.model.LitmusProcess;
import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.ModelResult;
import dev.sysmem.litmus.model.Position;
import dev.sysmem.litmus.model.Statement;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the dependencies the Linux-kernel memory model orders by and Java's access modes do not:
 * a marked read whose value reaches a later access of the same process through an address, the
 * value stored (data) or an {@code if} around a store (control), with nothing else ordering the
 * two. LKMM orders such pairs (address: read before read or write; data and control: read before
 * write); the Java memory model promises no dependency ordering, so sysmem's mapping does not
 * either.
 *
 * <p><b>The rule.</b> In each process, in program order:
 * <ol>
 *   <li>A read taints the registers its value flows into: a read by a call with the
 *       {@link Effect#READS} effect and not {@link Effect#ACQUIRE} (an acquire read is ordered
 *       before every later access anyway), or a plain {@code *x} read. Taint follows register
 *       assignments, and the condition of an {@code if} taints the accesses inside it.</li>
 *   <li>A full barrier ({@link Effect#FULL_BARRIER}: {@code smp_mb}, fully ordered RMWs) orders
 *       every earlier read before everything after it: taints from before it no longer count.</li>
 *   <li>An edge is: an access whose address uses a tainted register (addr); a write whose value
 *       does (data); a write inside an {@code if} whose condition does (ctrl). A write with the
 *       {@link Effect#RELEASE} effect is ordered after every earlier read, so it makes no edge.</li>
 *   <li>A test "rests on a dependency" if its {@code Result:} is {@code Never} and it has at least
 *       one edge.</li>
 * </ol>
 * The rule does not check that the edge lies on the cycle the condition describes: it may call a
 * test dependency-ordered whose {@code Never} does not need the dependency (such a test's weak
 * outcome, if seen, is then reported as dependency-ordered rather than as a violation), and it
 * never misses a dependency the kernel's files rely on.
 */
public final class DependencyRule {

    /** The kinds of dependency LKMM orders by. */
    public enum Kind {
        /** The read's value is (part of) an address. */
        ADDRESS,
        /** The read's value is (part of) a value stored. */
        DATA,
        /** The read's value decides whether a store runs. */
        CONTROL
    }

    /**
     * A dependency from a read to a later access of the same process, with nothing else ordering them.
     *
     * @param process the process
     * @param kind    the kind
     * @param read    where the read is
     * @param access  where the dependent access is
     */
    public record Edge(int process, Kind kind, Position read, Position access) {
        @Override
        public String toString() {
            return "P" + process + ": " + kind.name().toLowerCase(java.util.Locale.ROOT) + " dependency from the read at "
                    + read + " to the access at " + access;
        }
    }

    private DependencyRule() {
    }

    /** Every unordered dependency edge of {@code program}. */
    public static List<Edge> edges(LitmusProgram program) {
        List<Edge> out = new ArrayList<>();
        for (LitmusProcess p : program.processes()) {
            new ProcessWalk(p.index(), out).statements(p.body());
        }
        return out;
    }

    /** Whether the file's {@code Never} rests on a dependency, by the rule above. */
    public static boolean restsOnDependency(LitmusProgram program) {
        return program.modelResult().equals(Optional.of(ModelResult.NEVER)) && !edges(program).isEmpty();
    }

    /** One process's walk: taints are the positions of the reads a value came from. */
    private static final class ProcessWalk {
        private final int process;
        private final List<Edge> out;
        private final Map<String, Set<Position>> registers = new HashMap<>();
        private final Deque<Set<Position>> controls = new ArrayDeque<>();
        /** Reads ordered before everything that follows, by a full barrier since. */
        private final Set<Position> ordered = new HashSet<>();

        ProcessWalk(int process, List<Edge> out) {
            this.process = process;
            this.out = out;
        }

        void statements(List<Statement> statements) {
            statements.forEach(this::statement);
        }

        void statement(Statement s) {
            switch (s) {
                case Statement.Declaration d -> registers.put(d.register(),
                        d.initialValue().map(this::value).orElseGet(HashSet::new));
                case Statement.Assignment a -> registers.put(a.register(), value(a.value()));
                case Statement.PlainStore ps -> {
                    Set<Position> address = value(addressOf(ps.address()));
                    edges(Kind.ADDRESS, address, ps.position());
                    Set<Position> v = value(ps.value());
                    edges(Kind.DATA, v, ps.position());
                    controls.forEach(c -> edges(Kind.CONTROL, c, ps.position()));
                }
                case Statement.CallStatement c -> value(c.call());
                case Statement.If i -> {
                    controls.push(value(i.condition()));
                    statements(i.then());
                    statements(i.otherwise());
                    controls.pop();
                }
                case Statement.Block b -> statements(b.statements());
            }
        }

        private static Expression addressOf(Expression lvalue) {
            return lvalue instanceof Expression.Dereference d ? d.operand() : lvalue;
        }

        /** Walks an expression in evaluation order; returns the reads its value depends on. */
        private Set<Position> value(Expression e) {
            Set<Position> taint = new HashSet<>();
            switch (e) {
                case Expression.Constant c -> {
                }
                case Expression.AddressOf a -> {
                }
                case Expression.Name n -> taint.addAll(live(registers.getOrDefault(n.name(), Set.of())));
                case Expression.Negation n -> taint.addAll(value(n.operand()));
                case Expression.Cast c -> taint.addAll(value(c.operand()));
                case Expression.Binary b -> {
                    taint.addAll(value(b.left()));
                    taint.addAll(value(b.right()));
                }
                case Expression.Dereference d -> {
                    // A plain read: its address may depend on a read, and it heads dependencies itself.
                    edges(Kind.ADDRESS, value(d.operand()), d.position());
                    taint.add(d.position());
                }
                case Expression.Call call -> taint.addAll(call(call));
            }
            return taint;
        }

        private Set<Position> call(Expression.Call call) {
            Optional<KernelPrimitive> row = KernelPrimitive.of(call.function());
            Set<Effect> effects = row.map(KernelPrimitive::effects).orElse(Set.of());
            List<Set<Position>> values = new ArrayList<>();
            for (int i = 0; i < call.arguments().size(); i++) {
                Expression arg = call.arguments().get(i);
                KernelPrimitive.Argument kind = row.filter(r -> r.arguments().size() == call.arguments().size())
                        .map(r -> r.arguments().get(values.size())).orElse(KernelPrimitive.Argument.VALUE);
                if (kind == KernelPrimitive.Argument.VALUE) {
                    values.add(value(arg));
                } else {
                    edges(Kind.ADDRESS, value(addressOf(arg)), arg.position());
                    values.add(Set.of());
                }
            }
            if (effects.contains(Effect.FULL_BARRIER)) {
                orderEverythingSoFar();
            }
            if (effects.contains(Effect.WRITES) && !effects.contains(Effect.RELEASE)) {
                values.forEach(v -> edges(Kind.DATA, v, call.position()));
                controls.forEach(c -> edges(Kind.CONTROL, c, call.position()));
            }
            if (effects.contains(Effect.FULL_BARRIER)) {
                orderEverythingSoFar();
            }
            Set<Position> result = new HashSet<>();
            if (effects.contains(Effect.READS) && !effects.contains(Effect.ACQUIRE)
                    && !effects.contains(Effect.FULL_BARRIER)) {
                result.add(call.position());
            }
            return result;
        }

        private void orderEverythingSoFar() {
            registers.values().forEach(ordered::addAll);
            controls.forEach(ordered::addAll);
        }

        private Set<Position> live(Set<Position> taint) {
            Set<Position> out = new HashSet<>(taint);
            out.removeAll(ordered);
            return out;
        }

        private void edges(Kind kind, Set<Position> reads, Position access) {
            for (Position read : live(reads)) {
                out.add(new Edge(process, kind, read, access));
            }
        }
    }
}
