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
        h.put("CPU", m.cpu() + ", " + m.cores() + " CPUs");
        h.put("JVM", m.jvm());
        h.put("OS", m.os());
        h.put("jcstress", m.jcstress() + ", mode " + s.mode() + " (" + s.timeMs() + " ms × " + s.iterations()
                + " iterations per fork, " + s.forks() + " fork" + (s.forks() == 1 ? "" : "s") + " per configuration), "
                + s.jvmConfigurations() + " JVM configuration" + (s.jvmConfigurations() == 1 ? "" : "s") + ", "
                + (s.splitCompilation() ? "split" : "unified") + " compilation");
        h.put("JVM arguments", s.jvmArgs().stream().map(a -> String.join(" ", a)).collect(Collectors.joining(" | ")));
        h.put("Test filter", report.selected().pattern());
        h.put("Tests", matrix.cells().size() + " in the suite, " + report.run().tests().size() + " with results; "
                + stateCounts(matrix));
        h.put("Result file", report.run().file().getFileName().toString());
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

    /** NOT-RUN and ERROR cells grouped by reason: reason → test simple names. */
    static Map<String, List<String>> unrunByReason(ClaimMatrix matrix) {
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        for (Cell c : matrix.cells()) {
            if (c.state() == CellState.NOT_RUN || c.state() == CellState.ERROR) {
                reasons.computeIfAbsent(c.state().label() + ": " + c.reason(), k -> new ArrayList<>()).add(c.simpleName());
            }
        }
        return reasons;
    }

    /** Short column label of a segment kind. */
    static String segmentLabel(SegmentKind kind) {
        return switch (kind) {
            case ANONYMOUS -> "anon";
            case FILE_BACKED -> "file";
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
