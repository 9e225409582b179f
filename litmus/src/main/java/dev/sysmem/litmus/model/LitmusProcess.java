package dev.sysmem.litmus.model;

import java.util.List;

/**
 * One process {@code Pn(int *x, int *y) { ... }}: its parameters name the global variables it
 * uses (a parameter's name is the global's name), its body runs on one thread.
 *
 * @param index      n in {@code Pn}; processes are numbered 0, 1, ... in file order
 * @param parameters the parameters, in order
 * @param body       the statements
 * @param position   where {@code Pn} starts
 */
public record LitmusProcess(int index, List<Parameter> parameters, List<Statement> body, Position position) {

    public LitmusProcess {
        parameters = List.copyOf(parameters);
        body = List.copyOf(body);
    }

    /** A parameter: its C type ({@code int *}, {@code spinlock_t *}, {@code int **}) and name. */
    public record Parameter(String type, String name) {
    }

    /** Whether {@code name} is one of this process's parameters, i.e. a global it may use. */
    public boolean hasParameter(String name) {
        return parameters.stream().anyMatch(p -> p.name().equals(name));
    }
}
