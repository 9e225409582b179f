package dev.sysmem.stress.report;

/**
 * What the claims report says about one cell of the matrix (one test).
 *
 * <p>The first five are the verdicts of a test that ran; {@link #NOT_RUN} and {@link #ERROR} say
 * why there is no verdict. Whether a state fails the report depends on the run, see
 * {@link Cell#failing()}.
 */
public enum CellState {
    /** The test ran, produced samples, and no forbidden outcome was seen: the claim holds here. */
    HOLDS("HOLDS"),
    /** A forbidden outcome was seen: the claim is broken on this machine. */
    VIOLATED("VIOLATED"),
    /** The mode allows the weak outcome, and this machine showed it. */
    ALLOWED_AND_SEEN("ALLOWED-AND-SEEN"),
    /** The mode allows the weak outcome, and this machine did not show it in this run. */
    ALLOWED_NOT_SEEN("ALLOWED-NOT-SEEN"),
    /** A sensitivity control whose bad outcome was not seen: the harness may be blind here. */
    CONTROL_NOT_SEEN("CONTROL-NOT-SEEN"),
    /** The test produced no samples; the cell says why. */
    NOT_RUN("NOT-RUN"),
    /** The test failed to run (an exception, a timeout, a crashed VM, an ungraded outcome). */
    ERROR("ERROR");

    private final String label;

    CellState(String label) {
        this.label = label;
    }

    /** The label the reports print. */
    public String label() {
        return label;
    }
}
