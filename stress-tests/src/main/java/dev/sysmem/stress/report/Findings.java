package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;
import dev.sysmem.stress.report.RunResults.Settings;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The sentences both renderings of the report share: header facts, per-row summaries, reasons. */
final class Findings {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Findings() {
    }

    /** The header's label/value pairs, in order. */
    static Map<String, String> header(ClaimsReport report) {
        Settings s = report.run().settings();
        Machine m = report.machine();
        ClaimMatrix matrix = report.matrix();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Run finished", WHEN.format(report.finished()));
        h.put("CPU", m.cpu() + " (" + m.arch() + "), " + m.cores() + " CPUs; jcstress ran with -c " + m.jcstressCpus());
        h.put("JVM", m.jvm());
        h.put("OS", m.os());
        h.put("jcstress", m.jcstress() + ", mode " + s.mode() + " (" + s.timeMs() + " ms × " + s.iterations()
                + " iterations per fork, " + s.forks() + " fork" + (s.forks() == 1 ? "" : "s") + " per configuration), "
                + s.jvmConfigurations() + " JVM configuration" + (s.jvmConfigurations() == 1 ? "" : "s") + ", "
                + (s.splitCompilation() ? "split" : "unified") + " compilation");
        h.put("JVM arguments", s.jvmArgs().stream().map(a -> String.join(" ", a)).collect(Collectors.joining(" | ")));
        if (!m.options().isEmpty()) {
            h.put("jcstress options", m.options());
        }
        if (m.seconds() >= 0) {
            h.put("jcstress time", m.seconds() + " s");
        }
        h.put("Test filter", report.selected().pattern());
        h.put("Tests", matrix.cells().size() + " in the suite, " + report.run().tests().size() + " with results; "
                + stateCounts(matrix));
        h.put("Result file", report.run().hasFile() ? report.run().file().getFileName().toString()
                : "none: jcstress ran no test");
        h.put("Verdict", report.verdict());
        return h;
    }

    private static String stateCounts(ClaimMatrix matrix) {
        List<String> parts = new ArrayList<>();
        for (CellState state : CellState.values()) {
            long n = matrix.count(state);
            if (n > 0) {
                parts.add(n + " " + state.label());
            }
        }
        return String.join(", ", parts);
    }

    /** What one row showed, mode by mode: "OPAQUE: 8 HOLDS; PLAIN: 3 ALLOWED-AND-SEEN, 5 ALLOWED-NOT-SEEN". */
    static String rowSummary(ClaimMatrix matrix, Property property) {
        Map<AccessMode, Map<CellState, Long>> byMode = new EnumMap<>(AccessMode.class);
        for (Cell c : matrix.row(property)) {
            byMode.computeIfAbsent(c.mode(), k -> new EnumMap<>(CellState.class)).merge(c.state(), 1L, Long::sum);
        }
        return byMode.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue().entrySet().stream()
                        .map(s -> s.getValue() + " " + s.getKey().label()).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }

    /** The cells in one of {@code states}, grouped by state and reason: "NOT-RUN: why" → test simple names. */
    static Map<String, List<String>> byReason(ClaimMatrix matrix, CellState... states) {
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        for (Cell c : matrix.cells()) {
            if (List.of(states).contains(c.state())) {
                reasons.computeIfAbsent(c.state().label() + ": " + c.reason(), k -> new ArrayList<>()).add(c.simpleName());
            }
        }
        return reasons;
    }

    /** What a state means, for the legends. */
    static String meaning(CellState state) {
        return switch (state) {
            case HOLDS -> "no forbidden outcome; the actors raced (at least " + ClaimMatrix.MIN_SAMPLES
                    + " samples and two acceptable outcomes where there are several); and a control of the same row, "
                    + "width and segment (a weaker mode or a broken implementation) showed the weak outcome in this run.";
            case HOLDS_UNTESTABLE_HERE -> "no forbidden outcome and the actors raced, but no control of the row showed "
                    + "the weak outcome: this machine could not have shown a violation. Not a failure, not a HOLDS.";
            case INSUFFICIENT -> "no forbidden outcome, but too few samples or a single acceptable outcome: no "
                    + "evidence that the actors raced. Not a failure, not a HOLDS.";
            case VIOLATED -> "a forbidden outcome was seen (count): the claim does not hold here. Fails the report.";
            case ALLOWED_AND_SEEN -> "the mode (or the control's broken implementation) allows the weak outcome, and "
                    + "this machine showed it.";
            case ALLOWED_NOT_SEEN -> "the mode allows the weak outcome; this run did not show it.";
            case CONTROL_NOT_SEEN -> "a control (a broken implementation, or a harness control) did not show its "
                    + "weak outcome: the claims of its row lose that evidence.";
            case NOT_RUN -> "no samples, for the reason listed; fails the report only for a selected test that fits "
                    + "the CPUs jcstress ran with.";
            case ERROR -> "the test did not run cleanly (exception, timeout, VM crash). Fails the report.";
        };
    }

    /**
     * What the claims rest on, for the verdict line: the cells that HOLD with evidence and those
     * that do not, the controls seen, not seen and not run, and the tests that could not run.
     */
    static String evidence(ClaimMatrix matrix) {
        List<String> parts = new ArrayList<>();
        parts.add(matrix.count(CellState.HOLDS) + " " + CellState.HOLDS.label() + ", "
                + matrix.count(CellState.HOLDS_UNTESTABLE_HERE) + " " + CellState.HOLDS_UNTESTABLE_HERE.label() + ", "
                + matrix.count(CellState.INSUFFICIENT) + " " + CellState.INSUFFICIENT.label());
        Map<String, List<Cell>> controls = new LinkedHashMap<>();
        for (Cell c : matrix.cells()) {
            boolean selected = !(c.state() == CellState.NOT_RUN && c.reason().equals(ClaimMatrix.NOT_SELECTED));
            if ((c.isBrokenControl() || c.property().mustBeSeen()) && selected) {
                String name = c.breakage().map(b -> b.title() + " (" + c.property().title() + ")").orElse(c.property().title());
                controls.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
            }
        }
        List<String> seen = new ArrayList<>();
        List<String> notSeen = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        for (Map.Entry<String, List<Cell>> e : controls.entrySet()) {
            long ran = e.getValue().stream().filter(c -> c.state() != CellState.NOT_RUN && c.state() != CellState.ERROR).count();
            long sightings = e.getValue().stream().filter(c -> c.state() == CellState.ALLOWED_AND_SEEN).count();
            if (ran == 0) {
                notRun.add(e.getKey());
            } else if (sightings > 0) {
                seen.add(e.getKey() + " " + sightings + "/" + ran);
            } else {
                notSeen.add(e.getKey() + " 0/" + ran);
            }
        }
        parts.add("controls seen: " + (seen.isEmpty() ? "none" : String.join(", ", seen)));
        if (!notSeen.isEmpty()) {
            parts.add("controls not seen: " + String.join(", ", notSeen));
        }
        if (!notRun.isEmpty()) {
            parts.add("controls not run: " + String.join(", ", notRun));
        }
        Map<String, Long> unrun = matrix.cells().stream().filter(c -> c.state() == CellState.NOT_RUN && !c.failing())
                .collect(Collectors.groupingBy(Cell::reason, LinkedHashMap::new, Collectors.counting()));
        if (!unrun.isEmpty()) {
            parts.add("not run: " + unrun.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", ")));
        }
        return String.join("; ", parts);
    }

    /** Short column label of a segment kind. */
    static String segmentLabel(SegmentKind kind) {
        return switch (kind) {
            case ANONYMOUS -> "anon";
            case FILE_BACKED -> "file";
            case SEALED_MEMFD -> "sealed";
        };
    }

    /** Column label of a width. */
    static String widthLabel(Optional<Width> width) {
        return width.map(Width::toString).orElse("fixed");
    }

    /** The outcomes of a cell worth printing: what was seen, most frequent first. */
    static String outcomes(Cell cell) {
        return cell.run().map(r -> r.outcomes().stream().filter(o -> o.count() > 0)
                .map(o -> "[" + o.id() + "] " + Counts.compact(o.count()) + " " + o.expect().name())
                .collect(Collectors.joining("; "))).orElse("");
    }
}
