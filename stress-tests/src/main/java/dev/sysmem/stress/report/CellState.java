package dev.sysmem.stress.report;

/**
 * What the claims report says about one cell of the matrix (one test).
 *
 * <p>A claim cell (a test whose weak outcome its mode forbids) reads {@link #HOLDS} only on
 * evidence that it could have read otherwise: the actors raced (enough samples, more than one
 * acceptable outcome seen) and a control of the same row showed the weak outcome in the same run.
 * Without the race it is {@link #INSUFFICIENT}; without the control it is
 * {@link #HOLDS_UNTESTABLE_HERE}. Whether a state fails the report is decided per cell, see
 * {@link Cell#failing()}.
 */
public enum CellState {
    /** No forbidden outcome in a run that raced, and a control of the row was seen: the claim holds here. */
    HOLDS("HOLDS"),
    /** No forbidden outcome, the actors raced, but no control of the row was seen: this machine could not show a violation. */
    HOLDS_UNTESTABLE_HERE("HOLDS-UNTESTABLE-HERE"),
    /** No forbidden or interesting outcome, but too few samples, or only one acceptable outcome: the actors may never have raced. */
    INSUFFICIENT("INSUFFICIENT"),
    /** A forbidden outcome was seen: the claim is broken on this machine. */
    VIOLATED("VIOLATED"),
    /** The mode (or the control's broken implementation) allows the weak outcome, and this machine showed it. */
    ALLOWED_AND_SEEN("ALLOWED-AND-SEEN"),
    /** The mode allows the weak outcome, and this machine did not show it in this run. */
    ALLOWED_NOT_SEEN("ALLOWED-NOT-SEEN"),
    /** A control whose weak outcome was not seen: the claims of its row lose their evidence. */
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
