package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.Breakage;
import dev.sysmem.stress.Claim;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;
import dev.sysmem.stress.report.RunResults.TestRun;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.Status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The claims matrix of one run: rows are the {@link Property properties}, columns are
 * mode × segment × width (and, for the controls that run through a broken implementation,
 * breakage × segment × width), and each cell is one test's verdict.
 *
 * <p><b>How a cell is graded.</b> A test that threw, timed out or produced an ungraded outcome is
 * {@link CellState#ERROR}; one with a forbidden outcome seen is {@link CellState#VIOLATED}; one
 * whose weak outcome is allowed is {@link CellState#ALLOWED_AND_SEEN} when it was seen. Everything
 * else must first show that its actors raced: at least {@link #MIN_SAMPLES} samples
 * ({@link #MIN_TERMINATION_SAMPLES} for a Termination test) and, where the test declares more than
 * one acceptable outcome, at least two of them seen; otherwise it is {@link CellState#INSUFFICIENT}.
 * Then an allowed weak outcome not seen is {@link CellState#ALLOWED_NOT_SEEN} (a control:
 * {@link CellState#CONTROL_NOT_SEEN}), and a claim is {@link CellState#HOLDS} if a control of its
 * row was seen in this run, else {@link CellState#HOLDS_UNTESTABLE_HERE}. The controls of a claim
 * cell are the cells of the same row, width and segment whose weak outcome is allowed: the modes
 * that do not promise the property, and the tests that run through a {@link Breakage}.
 *
 * <p>A test without results is {@link CellState#NOT_RUN}, with the reason: not selected by the
 * run's test filter, more actors than the CPUs jcstress was given ({@code -c}; jcstress 0.16 does
 * not oversubscribe), no samples in sanity mode (its Termination runner does not loop when the time
 * per iteration is 0), or missing.
 *
 * <p><b>Which cells fail the report.</b> VIOLATED and ERROR always; NOT-RUN when the test was
 * selected, fits the CPUs and is not a sanity-mode Termination test. INSUFFICIENT,
 * HOLDS-UNTESTABLE-HERE and CONTROL-NOT-SEEN do not fail it, but they are not HOLDS: the verdict
 * counts them apart.
 */
public final class ClaimMatrix {

    /** Samples a Continuous test needs before its silence counts as evidence. */
    public static final long MIN_SAMPLES = 1_000;
    /** Samples (forks × iterations that terminated) a Termination test needs. */
    public static final long MIN_TERMINATION_SAMPLES = 5;
    /** The reason of a test the run's filter did not select. */
    static final String NOT_SELECTED = "not selected by the test filter";

    private final List<Cell> cells;
    private final Map<Key, Cell> byKey = new HashMap<>();
    private final List<Property> properties;
    private final List<AccessMode> modes;
    private final List<Breakage> breakages;
    private final List<SegmentKind> segments;
    private final List<Width> widths;

    private record Key(Property property, AccessMode mode, Optional<Breakage> breakage, Optional<SegmentKind> segment,
                       Optional<Width> width) {
    }

    private ClaimMatrix(List<Cell> cells) {
        this.cells = List.copyOf(cells);
        Set<Property> p = EnumSet.noneOf(Property.class);
        Set<AccessMode> m = EnumSet.noneOf(AccessMode.class);
        Set<Breakage> b = EnumSet.noneOf(Breakage.class);
        Set<SegmentKind> s = EnumSet.noneOf(SegmentKind.class);
        Set<Width> w = EnumSet.noneOf(Width.class);
        for (Cell c : cells) {
            Key key = new Key(c.property(), c.mode(), c.breakage(), c.segment(), c.width());
            Cell previous = byKey.put(key, c);
            if (previous != null) {
                throw new IllegalStateException("two tests claim the same cell " + key + ": " + previous.test()
                        + " and " + c.test());
            }
            p.add(c.property());
            if (c.breakage().isPresent()) {
                b.add(c.breakage().get());
            } else {
                m.add(c.mode());
            }
            c.segment().ifPresent(s::add);
            c.width().ifPresent(w::add);
        }
        this.properties = List.copyOf(p);
        this.modes = List.copyOf(m);
        this.breakages = List.copyOf(b);
        this.segments = List.copyOf(s);
        this.widths = List.copyOf(w);
    }

    /**
     * Grades every test of {@code suite} against {@code run}.
     *
     * @param cpus     the CPUs jcstress ran with ({@code -c}); tests with more actors cannot have run
     * @param selected the run's test filter (jcstress {@code -t}); tests it does not match were not selected
     */
    public static ClaimMatrix of(Suite suite, RunResults run, int cpus, Pattern selected) {
        boolean sanity = run.settings().isSanity();
        Map<Cell, Suite.Test> graded = new LinkedHashMap<>();
        for (Suite.Test t : suite.tests()) {
            graded.put(grade(t, run.test(t.name()), cpus, selected, sanity), t);
        }
        List<Cell> controls = graded.entrySet().stream().filter(e -> e.getValue().allowsWeak()).map(Map.Entry::getKey).toList();
        List<Cell> cells = new ArrayList<>();
        for (Cell c : graded.keySet()) {
            cells.add(c.state() == CellState.HOLDS ? withEvidence(c, controls) : c);
        }
        return new ClaimMatrix(cells);
    }

    /** A clean claim cell is HOLDS only if a control of its row, width and segment was seen in this run. */
    private static Cell withEvidence(Cell claim, List<Cell> allControls) {
        List<Cell> controls = allControls.stream().filter(c -> c.property() == claim.property()
                && c.width().equals(claim.width()) && c.segment().equals(claim.segment())).toList();
        Optional<Cell> seen = controls.stream().filter(c -> c.state() == CellState.ALLOWED_AND_SEEN).findFirst();
        if (seen.isPresent()) {
            return claim.with(CellState.HOLDS, claim.count(), "control seen: " + seen.get().simpleName(), false);
        }
        String why;
        if (controls.isEmpty()) {
            why = "this row has no control";
        } else if (controls.stream().noneMatch(c -> c.state() == CellState.ALLOWED_NOT_SEEN
                || c.state() == CellState.CONTROL_NOT_SEEN)) {
            why = "no control of this row ran to a verdict in this run";
        } else {
            why = claim.property().untestable();
        }
        return claim.with(CellState.HOLDS_UNTESTABLE_HERE, claim.count(), why, false);
    }

    static Cell grade(Suite.Test t, Optional<TestRun> result, int cpus, Pattern selected, boolean sanity) {
        Claim c = t.claim();
        Cell cell = new Cell(t.name(), c.property(), c.mode(), Arrays.stream(c.width()).findFirst(),
                Arrays.stream(c.segment()).findFirst(), Arrays.stream(c.breakage()).findFirst(), CellState.NOT_RUN, 0, "",
                false, result);
        if (result.isEmpty()) {
            if (!selected.matcher(t.name()).find()) {
                return cell.with(CellState.NOT_RUN, 0, NOT_SELECTED, false);
            }
            if (t.threads() > cpus) {
                return cell.with(CellState.NOT_RUN, 0, "needs " + t.threads() + " CPUs, jcstress ran with " + cpus, false);
            }
            return cell.with(CellState.NOT_RUN, 0, "selected, but jcstress produced no result for it", true);
        }
        TestRun r = result.get();
        if (r.status() != Status.NORMAL) {
            String first = r.messages().stream().filter(s -> !s.isBlank()).findFirst().orElse("");
            return cell.with(CellState.ERROR, 0, r.status() + (first.isEmpty() ? "" : ": " + first.strip()), true);
        }
        long unknown = r.count(Expect.UNKNOWN);
        if (unknown > 0) {
            return cell.with(CellState.ERROR, unknown, "outcome without a grading", true);
        }
        long forbidden = r.count(Expect.FORBIDDEN);
        if (forbidden > 0) {
            return cell.with(CellState.VIOLATED, forbidden, "", true);
        }
        if (r.samples() == 0) {
            boolean expected = sanity && t.termination();
            return cell.with(CellState.NOT_RUN, 0,
                    expected ? "no samples: sanity mode runs no Termination loop" : "ran, but produced no samples", !expected);
        }
        long seen = r.count(Expect.ACCEPTABLE_INTERESTING);
        if (t.allowsWeak() && seen > 0) {
            return cell.with(CellState.ALLOWED_AND_SEEN, seen, "", false);
        }
        String noRace = missingRaceEvidence(t, r);
        if (noRace != null) {
            return cell.with(CellState.INSUFFICIENT, r.samples(), noRace, false);
        }
        if (t.allowsWeak()) {
            boolean control = c.breakage().length > 0 || c.property().mustBeSeen();
            return cell.with(control ? CellState.CONTROL_NOT_SEEN : CellState.ALLOWED_NOT_SEEN, 0, "", false);
        }
        // Provisional: of(...) decides between HOLDS and HOLDS-UNTESTABLE-HERE once every control is graded.
        return cell.with(CellState.HOLDS, r.samples(), "", false);
    }

    /** Why the samples do not show that the actors raced, or null when they do. */
    private static String missingRaceEvidence(Suite.Test t, TestRun r) {
        long minimum = t.termination() ? MIN_TERMINATION_SAMPLES : MIN_SAMPLES;
        if (r.samples() < minimum) {
            return r.samples() + " samples, fewer than " + minimum;
        }
        long acceptableSeen = r.outcomes().stream().filter(o -> o.expect() == Expect.ACCEPTABLE && o.count() > 0).count();
        if (t.acceptableOutcomes() > 1 && acceptableSeen < 2) {
            return "only one acceptable outcome seen in " + Counts.compact(r.samples()) + " samples: the actors never raced";
        }
        return null;
    }

    /** Every cell, in the suite's order. */
    public List<Cell> cells() {
        return cells;
    }

    /** The cells that fail the report. */
    public List<Cell> failing() {
        return cells.stream().filter(Cell::failing).toList();
    }

    /** The cell at a position; an empty segment or width means the test has none. */
    public Optional<Cell> cell(Property property, AccessMode mode, Optional<SegmentKind> segment, Optional<Width> width) {
        return Optional.ofNullable(byKey.get(new Key(property, mode, Optional.empty(), segment, width)));
    }

    /** The rows present, in {@link Property} order. */
    public List<Property> properties() {
        return properties;
    }

    /**
     * The cell in a column of the matrix: a mode, or (for a control) the broken implementation it
     * runs through. A test that uses no segment is shown under the first segment of the matrix.
     */
    public Optional<Cell> at(Property property, Column column, Optional<SegmentKind> segment, Optional<Width> width) {
        Optional<Cell> found = cells.stream().filter(c -> c.property() == property && column.holds(c)
                && c.segment().equals(segment) && c.width().equals(width)).findFirst();
        if (found.isEmpty() && segment.isPresent() && !segments.isEmpty() && segment.get() == segments.get(0)) {
            return at(property, column, Optional.empty(), width);
        }
        return found;
    }

    /** The column groups of the matrix: the modes, then the broken implementations of the controls. */
    public List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        modes.forEach(m -> columns.add(new Column(Optional.of(m), Optional.empty())));
        breakages.forEach(b -> columns.add(new Column(Optional.empty(), Optional.of(b))));
        return columns;
    }

    /** A column group: an access mode, or a broken implementation. */
    public record Column(Optional<AccessMode> mode, Optional<Breakage> breakage) {

        boolean holds(Cell c) {
            return breakage.isPresent() ? c.breakage().equals(breakage) : c.breakage().isEmpty() && mode.equals(Optional.of(c.mode()));
        }

        /** The column's heading. */
        public String title() {
            return breakage.map(b -> "control: " + b.title()).orElseGet(() -> mode.orElseThrow().toString());
        }
    }

    /** The broken implementations the controls present run through. */
    public List<Breakage> breakages() {
        return breakages;
    }

    /** The cell of a control that runs through {@code breakage}; an empty segment or width means the test has none. */
    public Optional<Cell> control(Property property, Breakage breakage, Optional<SegmentKind> segment, Optional<Width> width) {
        return cells.stream().filter(c -> c.property() == property && c.breakage().equals(Optional.of(breakage))
                && c.segment().equals(segment) && c.width().equals(width)).findFirst();
    }

    /** The mode columns present, weakest first. */
    public List<AccessMode> modes() {
        return modes;
    }

    /** The segment columns present. */
    public List<SegmentKind> segments() {
        return segments;
    }

    /** The width columns present, narrowest first. */
    public List<Width> widths() {
        return widths;
    }

    /** The cells of one row. */
    public List<Cell> row(Property property) {
        return cells.stream().filter(c -> c.property() == property).toList();
    }

    /** The widths a row is split by; empty when its tests fix their own widths. */
    public List<Width> widthsOf(Property property) {
        return widths.stream().filter(w -> row(property).stream().anyMatch(c -> c.width().equals(Optional.of(w)))).toList();
    }

    /** The segments a row is split by; empty when its tests use no shared segment. */
    public List<SegmentKind> segmentsOf(Property property) {
        return segments.stream().filter(s -> row(property).stream().anyMatch(c -> c.segment().equals(Optional.of(s)))).toList();
    }

    /** How many cells are in {@code state}. */
    public long count(CellState state) {
        return cells.stream().filter(c -> c.state() == state).count();
    }
}
