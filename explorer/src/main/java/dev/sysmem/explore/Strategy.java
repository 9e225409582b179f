package dev.sysmem.explore;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the explorer chooses the next thread at each scheduling point where more than one can run. */
public enum Strategy {
    /** Uniformly at random among the threads that can run, at every choice. */
    RANDOM,
    /**
     * Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010):
     * random distinct thread priorities, the highest-priority runnable thread runs, and at
     * {@code depth - 1} random choice points the running thread drops below all others. Finds a
     * bug of depth {@code d} among {@code n} threads and {@code k} choices with probability at
     * least {@code 1/(n k^(d-1))} per schedule; {@code k} is learnt from earlier schedules.
     */
    PCT,
    /**
     * Every schedule with at most the preemption bound of preemptions (a switch away from a thread
     * that could have continued), depth first; reports how many it ran and whether it finished.
     */
    EXHAUSTIVE;

    /**
     * The strategy called {@code name} (any case).
     *
     * @throws IllegalArgumentException naming the unknown strategy and the known ones
     */
    public static Strategy parse(String name) {
        for (Strategy s : values()) {
            if (s.name().equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown exploration strategy '" + name + "'; known: "
                + Arrays.stream(values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
