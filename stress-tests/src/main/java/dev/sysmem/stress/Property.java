package dev.sysmem.stress;

/**
 * The rows of the claims report: each property a stress test shows, in the order the report lists
 * them.
 *
 * <p>A <em>claim</em> is something an access mode promises (docs/DESIGN.md's mode table); its test
 * marks the outcome that would break it FORBIDDEN in the modes that promise it and
 * ACCEPTABLE_INTERESTING in the modes that do not. A <em>control</em> is a test that must see a
 * bad outcome on this machine, so that a run which saw none of them is known to be able to see
 * one: {@link #mustBeSeen()} controls fail a full run when they were not observed.
 */
public enum Property {
    ATOMICITY("Access atomicity", "A reader never sees a mix of the bytes of two writes.", false),
    NO_ELISION("No elision", "A reader spinning on a location sees another thread's write and stops.", false),
    COHERENCE("Coherence (CoRR)", "Two reads of one location never see a new value and then an old one.", false),
    MESSAGE_PASSING("Message passing (MP)", "A reader that sees a flag also sees the data written before it.", false),
    STORE_BUFFERING("Store buffering (SB)", "Two threads that each write one location and read the other do not both miss the other's write.", false),
    LOAD_BUFFERING("Load buffering (LB)", "Two threads that each read one location and then write the other do not both read the other's later write.", false),
    IRIW("Independent reads of independent writes (IRIW)", "Two readers agree on the order of two writes by two other threads.", false),
    PUBLICATION("Device publication", "A device that sees the doorbell sees the whole descriptor written before it.", false),
    MIXED_SIZE("Mixed sizes", "A 64-bit write read back as two 32-bit halves: no atomicity is promised across sizes.", false),
    MISALIGNED_REJECTED("Misaligned access rejected", "SysMem refuses a misaligned access before it reaches memory.", false),
    TEARING_CONTROL("Control: cache-line tearing", "A plain unaligned 64-bit access across a cache line, around SysMem, tears.", true),
    ELISION_CONTROL("Control: plain spin elided", "A plain spin on an ordinary Java field never sees the write (STALE).", true);

    private final String title;
    private final String claim;
    private final boolean mustBeSeen;

    Property(String title, String claim, boolean mustBeSeen) {
        this.title = title;
        this.claim = claim;
        this.mustBeSeen = mustBeSeen;
    }

    /** The row's name. */
    public String title() {
        return title;
    }

    /** One sentence stating what the row's tests show. */
    public String claim() {
        return claim;
    }

    /** Whether this is a sensitivity control whose interesting outcome a full run must observe. */
    public boolean mustBeSeen() {
        return mustBeSeen;
    }
}
