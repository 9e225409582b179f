package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The claims matrix of one run: rows are the {@link Property properties}, columns are
 * mode × segment × width, and each cell is one test's verdict.
 *
 * <p><b>How a cell is graded.</b> A test with a forbidden outcome seen is {@link CellState#VIOLATED};
 * otherwise a test whose weak outcome its mode allows is {@link CellState#ALLOWED_AND_SEEN} or
 * {@link CellState#ALLOWED_NOT_SEEN} (a sensitivity control not seen is
 * {@link CellState#CONTROL_NOT_SEEN}); otherwise it {@link CellState#HOLDS}. A test without results
 * is {@link CellState#NOT_RUN}, with the reason: not selected by the run's test filter, more actors
 * than the machine has CPUs (jcstress 0.16 does not oversubscribe), no samples in sanity mode (its
 * Termination runner does not loop when the time per iteration is 0), or missing.
 *
 * <p><b>Which cells fail the report.</b> VIOLATED and ERROR always; CONTROL-NOT-SEEN unless the run
 * was jcstress's sanity mode; NOT-RUN when the test was selected, fits the machine and is not a
 * sanity-mode Termination test.
 */
public final class ClaimMatrix {

    private final List<Cell> cells;
    private final Map<Key, Cell> byKey = new HashMap<>();
    private final List<Property> properties;
    private final List<AccessMode> modes;
    private final List<SegmentKind> segments;
    private final List<Width> widths;

    private record Key(Property property, AccessMode mode, Optional<SegmentKind> segment, Optional<Width> width) {
    }

    private ClaimMatrix(List<Cell> cells) {
        this.cells = List.copyOf(cells);
        Set<Property> p = EnumSet.noneOf(Property.class);
        Set<AccessMode> m = EnumSet.noneOf(AccessMode.class);
        Set<SegmentKind> s = EnumSet.noneOf(SegmentKind.class);
        Set<Width> w = EnumSet.noneOf(Width.class);
        for (Cell c : cells) {
            Key key = new Key(c.property(), c.mode(), c.segment(), c.width());
            Cell previous = byKey.put(key, c);
            if (previous != null) {
                throw new IllegalStateException("two tests claim the same cell " + key + ": " + previous.test()
                        + " and " + c.test());
            }
            p.add(c.property());
            m.add(c.mode());
            c.segment().ifPresent(s::add);
            c.width().ifPresent(w::add);
        }
        this.properties = List.copyOf(p);
        this.modes = List.copyOf(m);
        this.segments = List.copyOf(s);
        this.widths = List.copyOf(w);
    }

    /**
     * Grades every test of {@code suite} against {@code run}.
     *
     * @param cpus     the CPUs of the machine the run was on
     * @param selected the run's test filter (jcstress {@code -t}); tests it does not match were not selected
     */
    public static ClaimMatrix of(Suite suite, RunResults run, int cpus, Pattern selected) {
        boolean sanity = run.settings().isSanity();
        List<Cell> cells = new ArrayList<>();
        for (Suite.Test t : suite.tests()) {
            cells.add(grade(t, run.test(t.name()), cpus, selected, sanity));
        }
        return new ClaimMatrix(cells);
    }

    static Cell grade(Suite.Test t, Optional<TestRun> result, int cpus, Pattern selected, boolean sanity) {
        Claim c = t.claim();
        Optional<Width> width = Arrays.stream(c.width()).findFirst();
        Optional<SegmentKind> segment = Arrays.stream(c.segment()).findFirst();
        Property property = c.property();
        if (result.isEmpty()) {
            if (!selected.matcher(t.name()).find()) {
                return new Cell(t.name(), property, c.mode(), width, segment, CellState.NOT_RUN, 0,
                        "not selected by the test filter", false, result);
            }
            if (t.threads() > cpus) {
                return new Cell(t.name(), property, c.mode(), width, segment, CellState.NOT_RUN, 0,
                        "needs " + t.threads() + " CPUs, this machine has " + cpus, false, result);
            }
            return new Cell(t.name(), property, c.mode(), width, segment, CellState.NOT_RUN, 0,
                    "selected, but jcstress produced no result for it", true, result);
        }
        TestRun r = result.get();
        if (r.status() != Status.NORMAL) {
            String first = r.messages().stream().filter(s -> !s.isBlank()).findFirst().orElse("");
            return new Cell(t.name(), property, c.mode(), width, segment, CellState.ERROR, 0,
                    r.status() + (first.isEmpty() ? "" : ": " + first.strip()), true, result);
        }
        long unknown = r.count(Expect.UNKNOWN);
        if (unknown > 0) {
            return new Cell(t.name(), property, c.mode(), width, segment, CellState.ERROR, unknown,
                    "outcome without a grading", true, result);
        }
        long forbidden = r.count(Expect.FORBIDDEN);
        if (forbidden > 0) {
            return new Cell(t.name(), property, c.mode(), width, segment, CellState.VIOLATED, forbidden, "", true, result);
        }
        if (r.samples() == 0) {
            boolean expected = sanity && t.termination();
            return new Cell(t.name(), property, c.mode(), width, segment, CellState.NOT_RUN, 0,
                    expected ? "no samples: sanity mode runs no Termination loop" : "ran, but produced no samples",
                    !expected, result);
        }
        if (t.allowsWeak()) {
            long seen = r.count(Expect.ACCEPTABLE_INTERESTING);
            if (seen > 0) {
                return new Cell(t.name(), property, c.mode(), width, segment, CellState.ALLOWED_AND_SEEN, seen, "", false, result);
            }
            if (property.mustBeSeen()) {
                return new Cell(t.name(), property, c.mode(), width, segment, CellState.CONTROL_NOT_SEEN, 0, "", !sanity, result);
            }
            return new Cell(t.name(), property, c.mode(), width, segment, CellState.ALLOWED_NOT_SEEN, 0, "", false, result);
        }
        return new Cell(t.name(), property, c.mode(), width, segment, CellState.HOLDS, r.samples(), "", false, result);
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
        return Optional.ofNullable(byKey.get(new Key(property, mode, segment, width)));
    }

    /** The rows present, in {@link Property} order. */
    public List<Property> properties() {
        return properties;
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
