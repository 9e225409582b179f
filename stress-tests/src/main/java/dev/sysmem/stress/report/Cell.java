package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.Breakage;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;
import dev.sysmem.stress.report.RunResults.TestRun;

import java.util.Optional;

/**
 * One cell of the claims matrix: one generated test, where it sits, and its verdict.
 *
 * @param test     the test's class name
 * @param property the row
 * @param mode     the mode column
 * @param width    the width column, empty when the test fixes its own widths
 * @param segment  the segment column, empty when the test uses no shared segment
 * @param breakage the broken implementation a control runs through, empty for a test of the real one
 * @param state    the verdict
 * @param count    samples for {@link CellState#HOLDS}, {@link CellState#HOLDS_UNTESTABLE_HERE} and
 *                 {@link CellState#INSUFFICIENT}, sightings for {@link CellState#VIOLATED} and
 *                 {@link CellState#ALLOWED_AND_SEEN}, 0 otherwise
 * @param reason   why, for {@link CellState#NOT_RUN}, {@link CellState#ERROR},
 *                 {@link CellState#INSUFFICIENT} and {@link CellState#HOLDS_UNTESTABLE_HERE};
 *                 for {@link CellState#HOLDS}, the control that gave the evidence; empty otherwise
 * @param failing  whether this cell fails the report
 * @param run      the test's merged results, if it produced any
 */
public record Cell(String test, Property property, AccessMode mode, Optional<Width> width, Optional<SegmentKind> segment,
                   Optional<Breakage> breakage, CellState state, long count, String reason, boolean failing,
                   Optional<TestRun> run) {

    /** The class name without its package. */
    public String simpleName() {
        return test.substring(test.lastIndexOf('.') + 1);
    }

    /** Whether this cell is a control that runs through a broken implementation. */
    public boolean isBrokenControl() {
        return breakage.isPresent();
    }

    /** The same cell with another verdict. */
    Cell with(CellState newState, long newCount, String newReason, boolean newFailing) {
        return new Cell(test, property, mode, width, segment, breakage, newState, newCount, newReason, newFailing, run);
    }

    /** The verdict as the reports print it: label, then count or reason. */
    public String text() {
        return switch (state) {
            case HOLDS -> "HOLDS (" + Counts.compact(count) + " samples; " + reason + ")";
            case HOLDS_UNTESTABLE_HERE -> "HOLDS-UNTESTABLE-HERE (" + Counts.compact(count) + " samples; " + reason + ")";
            case INSUFFICIENT -> "INSUFFICIENT (" + reason + ")";
            case VIOLATED -> "VIOLATED (" + Counts.compact(count) + ")";
            case ALLOWED_AND_SEEN -> "ALLOWED-AND-SEEN (" + Counts.compact(count) + ")";
            case ALLOWED_NOT_SEEN, CONTROL_NOT_SEEN -> state.label();
            case NOT_RUN, ERROR -> state.label() + " (" + reason + ")";
        };
    }

    /** The verdict in a few characters, for the matrix. */
    public String shortText() {
        return switch (state) {
            case HOLDS -> "HOLDS " + Counts.compact(count);
            case HOLDS_UNTESTABLE_HERE -> "UNTESTABLE " + Counts.compact(count);
            case INSUFFICIENT -> "INSUFFICIENT";
            case VIOLATED -> "VIOLATED " + Counts.compact(count);
            case ALLOWED_AND_SEEN -> "SEEN " + Counts.compact(count);
            case ALLOWED_NOT_SEEN -> "not seen";
            case CONTROL_NOT_SEEN -> "CONTROL-NOT-SEEN";
            case NOT_RUN -> reason.equals(ClaimMatrix.NOT_SELECTED) ? "not selected" : "NOT-RUN: " + reason;
            case ERROR -> "ERROR";
        };
    }
}
