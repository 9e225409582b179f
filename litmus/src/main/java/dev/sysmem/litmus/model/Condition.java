package dev.sysmem.litmus.model;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The final section of a litmus file: {@code locations [...]}, {@code filter P}, then
 * {@code exists P}, {@code ~exists P} or {@code forall P}.
 *
 * @param quantifier  how the proposition is judged (herd prints Allowed, Forbidden, Required)
 * @param proposition the proposition on final states
 * @param filter      final states outside the filter are left out before judging, if present
 * @param locations   further observables to record, if listed
 * @param position    where the quantifier starts
 */
public record Condition(Quantifier quantifier, Proposition proposition, Optional<Proposition> filter,
                        List<Observable> locations, Position position) {

    public Condition {
        locations = List.copyOf(locations);
    }

    /** The condition's quantifier. */
    public enum Quantifier {
        /** {@code exists P}: some execution satisfies P (herd: Allowed). */
        EXISTS("exists"),
        /** {@code ~exists P}: no execution satisfies P (herd: Forbidden). */
        NOT_EXISTS("~exists"),
        /** {@code forall P}: every execution satisfies P (herd: Required). */
        FORALL("forall");

        private final String keyword;

        Quantifier(String keyword) {
            this.keyword = keyword;
        }

        /** How the file writes it. */
        public String keyword() {
            return keyword;
        }
    }

    /** The condition as herd writes it: {@code exists (1:r0=1 /\ 1:r1=0)} (locations and filter left out). */
    public String text() {
        return quantifier.keyword() + " (" + text(proposition) + ")";
    }

    private static String text(Proposition p) {
        return switch (p) {
            case Proposition.Atom a -> a.observable().label() + (a.equal() ? "=" : "!=") + a.value();
            case Proposition.And and -> (and.left() instanceof Proposition.And ? text(and.left()) : operand(and.left()))
                    + " /\\ " + operand(and.right());
            case Proposition.Or or -> (or.left() instanceof Proposition.Or ? text(or.left()) : operand(or.left()))
                    + " \\/ " + operand(or.right());
            case Proposition.Implies i -> operand(i.left()) + " => " + operand(i.right());
            case Proposition.Not n -> "~" + operand(n.operand());
            case Proposition.Truth t -> Boolean.toString(t.value());
        };
    }

    private static String operand(Proposition p) {
        return p instanceof Proposition.Atom || p instanceof Proposition.Truth || p instanceof Proposition.Not
                ? text(p) : "(" + text(p) + ")";
    }

    /** Every observable the condition needs: the proposition's, the filter's, then the locations', each once. */
    public List<Observable> observables() {
        Set<Observable> all = new LinkedHashSet<>(proposition.observables());
        filter.ifPresent(f -> all.addAll(f.observables()));
        all.addAll(locations);
        return List.copyOf(all);
    }
}
