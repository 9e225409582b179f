package dev.sysmem.stress;

/**
 * A deliberately broken implementation of {@code SysMem}'s accesses, for sensitivity controls and
 * mutation runs: {@link BrokenAccess} performs every access on real memory, after the view's own
 * checks, but breaks it in exactly one way.
 *
 * <p>A <em>control</em> test asks its {@link SlotPool} for a {@linkplain SlotPool#broken broken view}
 * and marks the outcome the breakage should produce ACCEPTABLE_INTERESTING: the claims report
 * counts a claim cell as HOLDS only when a control of its row was seen in the same run. A
 * <em>mutation run</em> sets the system property {@value #PROPERTY} in the forked JVMs, so that
 * every pool hands out broken views instead of correct ones; the suite must then go red (see
 * {@code MutationTest}).
 */
public enum Breakage {

    /** Every write wider than 8 bits is done as two writes of half the width, low half first. */
    SPLIT_WRITE("split write", "a write of 16, 32 or 64 bits done as two writes of half the width"),

    /** OPAQUE accesses done as PLAIN ones. */
    OPAQUE_AS_PLAIN("opaque as plain", "OPAQUE reads and writes done as PLAIN ones"),

    /** ACQUIRE_RELEASE accesses done as PLAIN ones. */
    ACQUIRE_RELEASE_AS_PLAIN("acquire/release as plain", "ACQUIRE_RELEASE reads and writes done as PLAIN ones"),

    /** VOLATILE accesses done as ACQUIRE_RELEASE ones. */
    VOLATILE_AS_ACQUIRE_RELEASE("volatile as acquire/release", "VOLATILE reads and writes done as ACQUIRE_RELEASE ones"),

    /** The 32/64-bit atomics done as an acquire read, then a release write: neither atomic nor sequentially consistent. */
    ATOMICS_AS_ACQUIRE_RELEASE("atomics as acquire/release", "atomic read-modify-writes done as an acquire read and a release write"),

    /**
     * Memory on the Java heap (a {@code long[]}) read and written with plain array accesses, which
     * the JIT may keep in a register: the elision control, through the {@code SysMem} path, on
     * memory where a spin can really be elided.
     */
    HOISTABLE_READ("hoistable read", "memory in a Java long[] read and written with plain array accesses"),

    /**
     * Memory without coherence: every location has a second, stale copy that holds the value the
     * location had before its last write, and each read is served from the location or from its
     * stale copy, at random. Two reads can then go back in time (CoRR), a thread's earlier write
     * can be what a later read calls final (CoWW), and a thread can read a write that is older or
     * newer in the location's order than its own (CoWR, CoRW): the coherence rows' control.
     */
    STALE_COPY("stale copy", "reads served at random from memory or from a stale copy holding each location's value before its last write");

    /** The system property that turns a fork into a mutation run: the name of a constant of this enum. */
    public static final String PROPERTY = "sysmem.stress.breakage";

    private final String title;
    private final String description;

    Breakage(String title, String description) {
        this.title = title;
        this.description = description;
    }

    /** A few words, for report columns. */
    public String title() {
        return title;
    }

    /** What the broken implementation does. */
    public String description() {
        return description;
    }
}
