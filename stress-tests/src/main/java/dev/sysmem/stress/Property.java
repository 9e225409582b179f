package dev.sysmem.stress;

/**
 * The rows of the claims report: each property a stress test shows, in the order the report lists
 * them.
 *
 * <p>A <em>claim</em> is something an access mode promises (docs/DESIGN.md's mode table); its test
 * marks the outcome that would break it FORBIDDEN in the modes that promise it and
 * ACCEPTABLE_INTERESTING in the modes that do not. A row's <em>controls</em> are the tests that
 * can show the weak outcome: the same test in a mode that does not promise the property, and the
 * same test through a {@link Breakage deliberately broken implementation}. The report calls a claim
 * cell HOLDS only if one of its row's controls showed the weak outcome in the same run; otherwise
 * the machine could not have shown a violation, and the cell says so ({@link #untestable()}).
 *
 * <p>The two rows marked {@link #mustBeSeen()} are controls of the harness itself, around
 * {@code SysMem}: a cross-line tear and a plain field spin.
 */
public enum Property {
    ATOMICITY("Access atomicity", "A reader never sees a mix of the bytes of two writes.",
            "no weaker mode tore an aligned access and no split write was seen"),
    NO_ELISION("No elision", "A reader spinning on a location sees another thread's write and stops.",
            "this JIT never hoisted an off-heap read out of a spin (the PLAIN cells of this segment never went STALE)"),
    COHERENCE("Coherence (CoRR)", "Two reads of one location never see a new value and then an old one.",
            "neither a weaker mode nor the stale-copy control showed two reads of one location out of order"),
    COHERENCE_WW("Coherence (CoWW)", "Of two writes by one thread to one location, the later one is the location's final value.",
            "neither a weaker mode nor the stale-copy control reordered two writes to one location"),
    COHERENCE_WR("Coherence (CoWR)", "A thread never reads a value older than its own write to the same location.",
            "neither a weaker mode nor the stale-copy control let a read see a value older than the thread's own write"),
    COHERENCE_RW("Coherence (CoRW)", "A thread never reads a write that ends up ordered after its own later write.",
            "neither a weaker mode nor the stale-copy control let a read see a write ordered after the thread's own later write"),
    MESSAGE_PASSING("Message passing (MP)", "A reader that sees a flag also sees the data written before it.",
            "no weaker mode showed MP's weak outcome: TSO hardware (x86-64) keeps stores and loads in order"),
    STORE_BUFFERING("Store buffering (SB)", "Two threads that each write one location and read the other do not both miss the other's write.",
            "no weaker mode showed SB's weak outcome"),
    LOAD_BUFFERING("Load buffering (LB)", "Two threads that each read one location and then write the other do not both read the other's later write.",
            "no weaker mode showed LB's weak outcome: TSO hardware (x86-64) never lets a load pass a later store"),
    IRIW("Independent reads of independent writes (IRIW)", "Two readers agree on the order of two writes by two other threads.",
            "no weaker mode showed IRIW's weak outcome: x86-64 stores are multi-copy atomic"),
    WRC("Write-to-read causality (WRC)", "A write seen by a thread that then publishes a flag is seen by whoever sees the flag.",
            "no weaker mode showed WRC's weak outcome: TSO hardware (x86-64) is multi-copy atomic and keeps order"),
    ISA2("ISA2 (transitive message passing)", "Message passing through a chain of two threads keeps the data visible at the end.",
            "no weaker mode showed ISA2's weak outcome: TSO hardware (x86-64) keeps stores and loads in order"),
    TWO_PLUS_TWO_W("2+2W", "Two threads that each write two locations in opposite orders do not each see their first write survive.",
            "no weaker mode showed 2+2W's weak outcome: TSO hardware (x86-64) keeps stores in order"),
    ATOMICS_STORE_BUFFERING("Atomics: store buffering", "compareAndSet and getAndAdd are sequentially consistent in every mode: SB over them never misses both writes.",
            "the control (atomics as acquire/release) did not show SB's weak outcome"),
    ATOMICS_IRIW("Atomics: IRIW", "compareAndSet and getAndAdd are sequentially consistent in every mode: two readers agree on the order of two atomic writes.",
            "the control (atomics as acquire/release) did not show IRIW's weak outcome: x86-64 stores are multi-copy atomic"),
    PUBLICATION("Device publication", "A device that sees the doorbell sees the whole descriptor written before it.",
            "no weaker mode showed the doorbell before the descriptor: TSO hardware (x86-64) keeps stores in order"),
    MIXED_SIZE("Mixed sizes", "A 64-bit write read back as two 32-bit halves: no atomicity is promised across sizes.",
            "no mode promises anything here"),
    TEARING_CONTROL("Control: cache-line tearing", "A plain unaligned 64-bit access across a cache line, around SysMem, tears.",
            "a control"),
    ELISION_CONTROL("Control: plain spin elided", "A plain spin on an ordinary Java field never sees the write (STALE).",
            "a control");

    private final String title;
    private final String claim;
    private final String untestable;

    Property(String title, String claim, String untestable) {
        this.title = title;
        this.claim = claim;
        this.untestable = untestable;
    }

    /** The row's name. */
    public String title() {
        return title;
    }

    /** One sentence stating what the row's tests show. */
    public String claim() {
        return claim;
    }

    /**
     * Why a claim of this row may not be demonstrable on a machine: what it means that none of the
     * row's controls showed the weak outcome.
     */
    public String untestable() {
        return untestable;
    }

    /** Whether this is a harness control whose interesting outcome a run must observe to be trusted. */
    public boolean mustBeSeen() {
        return this == TEARING_CONTROL || this == ELISION_CONTROL;
    }
}
