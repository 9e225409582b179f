package dev.sysmem.explore;

/**
 * One row of a schedule's trace: what thread {@code thread} did at a scheduling point, or why
 * control moved ({@link Kind#SWITCH}).
 *
 * @param thread the thread's id (its column)
 * @param kind   what happened
 * @param what   region name, fence, label or reason
 * @param offset offset in the region (accesses), else -1
 * @param width  access width in bits (accesses), else 0
 * @param mode   access mode or atomic operation (accesses), else null
 * @param value  value read or written (accesses)
 * @param clock  the virtual clock, in nanoseconds since the schedule started
 */
record TraceEvent(int thread, Kind kind, String what, long offset, int width, String mode, long value, long clock) {

    /** Kinds of rows. */
    enum Kind { READ, WRITE, ATOMIC, FENCE, POINT, BLOCK, SWITCH, START, END, FAIL }

    static TraceEvent note(int thread, Kind kind, String what, long clock) {
        return new TraceEvent(thread, kind, what, -1, 0, null, 0, clock);
    }

    /** The text shown in the thread's column. */
    String cell() {
        return switch (kind) {
            case READ -> what + "+0x" + Long.toHexString(offset) + " u" + width + " " + mode + " -> 0x" + Long.toHexString(value);
            case WRITE -> what + "+0x" + Long.toHexString(offset) + " u" + width + " " + mode + " <- 0x" + Long.toHexString(value);
            case ATOMIC -> what + "+0x" + Long.toHexString(offset) + " u" + width + " " + mode + " (was 0x" + Long.toHexString(value) + ")";
            case FENCE -> "fence " + what;
            case POINT -> what;
            case BLOCK -> "waits: " + what;
            case SWITCH -> "switch: " + what;
            case START -> "start";
            case END -> "end";
            case FAIL -> "FAILS: " + what;
        };
    }
}
