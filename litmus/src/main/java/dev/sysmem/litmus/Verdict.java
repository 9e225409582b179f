package dev.sysmem.litmus;

/** How a litmus test's run on this machine compares with what the Linux-kernel memory model says. */
public enum Verdict {
    /** The machine showed what the model allows, and nothing it forbids. */
    CONSISTENT("CONSISTENT", false),
    /** The model allows an outcome this run did not show: normal on x86-64, which is stronger than LKMM. */
    STRONGER_THAN_MODEL("STRONGER-THAN-MODEL", false),
    /** An outcome the model forbids was seen: the mapping or the JVM is wrong. Fails the run. */
    VIOLATION("VIOLATION", true),
    /**
     * The file's {@code Never} rests on a dependency ({@link DependencyRule}): LKMM forbids the
     * outcome by dependency; sysmem's mapping does not promise it. Seen or not, not a violation.
     */
    NOT_PROMISED("NOT-PROMISED (dependency)", false),
    /** The test is not translated; the reason says why. */
    UNSUPPORTED("UNSUPPORTED", false),
    /** The test was translated but not run: it needs more CPUs than the machine has, or was not selected. */
    NOT_RUN("NOT-RUN", false),
    /** The test threw, timed out, crashed its VM, or the time budget ran out. Fails the run. */
    ERROR("ERROR", true);

    private final String label;
    private final boolean failsRun;

    Verdict(String label, boolean failsRun) {
        this.label = label;
        this.failsRun = failsRun;
    }

    /** How reports print it. */
    public String label() {
        return label;
    }

    /** Whether this verdict makes the command fail. */
    public boolean failsRun() {
        return failsRun;
    }
}
