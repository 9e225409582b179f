package dev.sysmem.litmus.model;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The proposition of a condition: atoms {@code 1:r0=1}, {@code x=2}, {@code 0:r1!=0} joined by
 * {@code /\}, {@code \/}, {@code ~}, {@code =>}, with {@code true} and {@code false}.
 */
public sealed interface Proposition {

    /**
     * Whether the proposition holds in a final state.
     *
     * @param state the final value of each observable the proposition names
     * @throws IllegalArgumentException if an atom compares with an address
     */
    boolean holds(Function<Observable, Long> state);

    /** The observables the proposition names, in the order they first appear. */
    default Set<Observable> observables() {
        Set<Observable> out = new LinkedHashSet<>();
        collect(out);
        return out;
    }

    /** Adds the observables of this proposition to {@code out}. */
    void collect(Set<Observable> out);

    /** {@code observable = value} ({@code equal}) or {@code observable != value}. */
    record Atom(Observable observable, boolean equal, Value value, Position position) implements Proposition {
        @Override
        public boolean holds(Function<Observable, Long> state) {
            if (!(value instanceof Value.Constant c)) {
                throw new IllegalArgumentException("the atom at " + position + " compares " + observable.label()
                        + " with an address (" + value + "), which has no integer value");
            }
            return (state.apply(observable) == c.value()) == equal;
        }

        @Override
        public void collect(Set<Observable> out) {
            out.add(observable);
        }
    }

    /** {@code left /\ right}. */
    record And(Proposition left, Proposition right) implements Proposition {
        @Override
        public boolean holds(Function<Observable, Long> state) {
            return left.holds(state) && right.holds(state);
        }

        @Override
        public void collect(Set<Observable> out) {
            left.collect(out);
            right.collect(out);
        }
    }

    /** {@code left \/ right}. */
    record Or(Proposition left, Proposition right) implements Proposition {
        @Override
        public boolean holds(Function<Observable, Long> state) {
            return left.holds(state) || right.holds(state);
        }

        @Override
        public void collect(Set<Observable> out) {
            left.collect(out);
            right.collect(out);
        }
    }

    /** {@code left => right}. */
    record Implies(Proposition left, Proposition right) implements Proposition {
        @Override
        public boolean holds(Function<Observable, Long> state) {
            return !left.holds(state) || right.holds(state);
        }

        @Override
        public void collect(Set<Observable> out) {
            left.collect(out);
            right.collect(out);
        }
    }

    /** {@code ~operand}. */
    record Not(Proposition operand) implements Proposition {
        @Override
        public boolean holds(Function<Observable, Long> state) {
            return !operand.holds(state);
        }

        @Override
        public void collect(Set<Observable> out) {
            operand.collect(out);
        }
    }

    /** {@code true} or {@code false}. */
    record Truth(boolean value) implements Proposition {
        @Override
        public boolean holds(Function<Observable, Long> state) {
            return value;
        }

        @Override
        public void collect(Set<Observable> out) {
        }
    }
}
