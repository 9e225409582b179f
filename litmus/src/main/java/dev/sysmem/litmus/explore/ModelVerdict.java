package dev.sysmem.litmus.explore;

/** How the weak-memory model's reachable outcomes compare with a litmus file's {@code Result:}. */
public enum ModelVerdict {
    /** The model reaches the condition exactly as often (never / sometimes / always) as the file says. */
    CONSISTENT("CONSISTENT"),
    /**
     * The model reaches an outcome the file says never happens: a bug in the model or in the
     * mapping of kernel primitives. Fails the run.
     */
    MODEL_WEAKER("MODEL-WEAKER"),
    /**
     * The file's {@code Never} rests on an address, data or control dependency, which LKMM orders
     * by and Java's access modes do not promise; the model reaches it. Not a failure.
     */
    DEPENDENCY_ORDERED("DEPENDENCY-ORDERED"),
    /**
     * The model does not reach an outcome the file says can happen: one of the model's stated
     * limits (no load buffering; volatile and atomics with full fences), or a bug. Reported, not a
     * failure.
     */
    MODEL_STRONGER("MODEL-STRONGER"),
    /** The exploration hit a bound before it finished: no statement about the model. */
    INCOMPLETE("INCOMPLETE"),
    /** The file has no {@code Result:} line to compare with. */
    NO_EXPECTATION("NO-EXPECTATION"),
    /** The model cannot run the file (reason given). */
    UNSUPPORTED("UNSUPPORTED");

    private final String label;

    ModelVerdict(String label) {
        this.label = label;
    }

    /** The label printed in tables. */
    public String label() {
        return label;
    }

    /** Whether this verdict fails a run. */
    public boolean failsRun() {
        return this == MODEL_WEAKER;
    }
}
