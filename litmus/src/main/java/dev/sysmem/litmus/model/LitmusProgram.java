package dev.sysmem.litmus.model;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed C litmus test in the herd7 format the Linux kernel's {@code tools/memory-model} uses:
 * name, {@code Result:} from the comment, init block, processes and condition. It is a plain
 * value with no tie to any way of running it, so the same program can be run by jcstress on this
 * machine or explored on a model.
 *
 * @param name      the test's name (the word after {@code C} on the first line)
 * @param file      the file it was read from, as named to the parser
 * @param result    the {@code Result:} word of the file's comment, verbatim ({@code Never},
 *                  {@code Sometimes}, {@code Maybe}, ...), if there is one
 * @param info      {@code key = value} lines before the init block (herd's "info")
 * @param init      the init block's items, in order
 * @param processes the processes, P0 first
 * @param condition the final condition
 */
public record LitmusProgram(String name, String file, Optional<String> result, Map<String, String> info,
                            List<InitEntry> init, List<LitmusProcess> processes, Condition condition) {

    public LitmusProgram {
        info = Map.copyOf(info);
        init = List.copyOf(init);
        processes = List.copyOf(processes);
    }

    /** What the file says the Linux-kernel memory model gives, if its {@code Result:} is Never, Sometimes or Always. */
    public Optional<ModelResult> modelResult() {
        return result.flatMap(ModelResult::of);
    }

    /**
     * The global variables, in first-mention order: process parameters, then init items, then the
     * condition's memory terms.
     */
    public List<String> globals() {
        Set<String> names = new LinkedHashSet<>();
        for (LitmusProcess p : processes) {
            p.parameters().forEach(param -> names.add(param.name()));
        }
        init.stream().filter(i -> i.process().isEmpty()).forEach(i -> names.add(i.name()));
        condition.observables().stream().filter(o -> o instanceof Observable.MemoryRef)
                .forEach(o -> names.add(o.label()));
        return List.copyOf(names);
    }
}
