package dev.sysmem.stress.report;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims report as Markdown. The matrix has one row per claim and width (a claim whose tests
 * fix their own widths has one row) and one column per mode and segment, which keeps all three
 * axes in a table narrow enough to read as text.
 */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(ClaimsReport report) {
        ClaimMatrix m = report.matrix();
        StringBuilder out = new StringBuilder();
        out.append("# sysmem claims report\n\n");
        out.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> e : Findings.header(report).entrySet()) {
            out.append("| ").append(e.getKey()).append(" | ").append(escape(e.getValue())).append(" |\n");
        }

        out.append("\n## Claims matrix\n\n");
        out.append("Columns: access mode, then segment (anon = ").append(SegmentKind.ANONYMOUS.description())
                .append(", file = ").append(SegmentKind.FILE_BACKED.description()).append("). ")
                .append("A cell names the verdict and its count: samples for HOLDS, sightings of the weak outcome "
                        + "for SEEN (ALLOWED-AND-SEEN) and VIOLATED. \"—\" means the claim has no test in that column.\n\n");
        List<String> header = new ArrayList<>(List.of("Claim", "Width"));
        for (AccessMode mode : m.modes()) {
            for (SegmentKind s : m.segments()) {
                header.add(mode + " " + Findings.segmentLabel(s));
            }
        }
        out.append("| ").append(String.join(" | ", header)).append(" |\n");
        out.append("|").append("---|".repeat(header.size())).append('\n');
        for (Property p : m.properties()) {
            List<Optional<Width>> widths = m.widthsOf(p).isEmpty() ? List.of(Optional.empty())
                    : m.widthsOf(p).stream().map(Optional::of).toList();
            for (Optional<Width> w : widths) {
                List<String> row = new ArrayList<>(List.of(p.title(), Findings.widthLabel(w)));
                for (AccessMode mode : m.modes()) {
                    for (SegmentKind s : m.segments()) {
                        Optional<SegmentKind> seg = m.segmentsOf(p).isEmpty() ? Optional.empty() : Optional.of(s);
                        row.add(m.cell(p, mode, seg, w).map(MarkdownReport::cellText).orElse("—"));
                    }
                }
                out.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
        }

        out.append("\n## What this machine showed\n\n");
        for (Property p : m.properties()) {
            out.append("- **").append(p.title()).append("** (").append(p.claim()).append(") ")
                    .append(Findings.rowSummary(m, p)).append(".\n");
        }

        List<Cell> notable = m.cells().stream().filter(c -> c.state() == CellState.VIOLATED
                || c.state() == CellState.ALLOWED_AND_SEEN).toList();
        if (!notable.isEmpty()) {
            out.append("\n## Weak outcomes seen\n\n| Test | Verdict | Outcomes seen |\n|---|---|---|\n");
            for (Cell c : notable) {
                out.append("| ").append(c.simpleName()).append(" | ").append(c.text()).append(" | ")
                        .append(escape(Findings.outcomes(c))).append(" |\n");
            }
        }

        Map<String, List<String>> unrun = Findings.unrunByReason(m);
        if (!unrun.isEmpty()) {
            out.append("\n## Not run and errors\n\n");
            for (Map.Entry<String, List<String>> e : unrun.entrySet()) {
                out.append("- ").append(escape(e.getKey())).append(": ").append(e.getValue().size()).append(" test")
                        .append(e.getValue().size() == 1 ? "" : "s").append(" (").append(names(e.getValue())).append(")\n");
            }
        }

        out.append("\n## Legend\n\n");
        out.append("- **HOLDS**: the test ran and no forbidden outcome was seen in any of its samples.\n");
        out.append("- **VIOLATED**: a forbidden outcome was seen (count): the claim does not hold here. Fails the report.\n");
        out.append("- **ALLOWED-AND-SEEN** (SEEN): the mode allows the weak outcome, and this machine showed it.\n");
        out.append("- **ALLOWED-NOT-SEEN** (not seen): the mode allows the weak outcome; this run did not show it.\n");
        out.append("- **CONTROL-NOT-SEEN**: a sensitivity control did not see its bad outcome; fails a run that is "
                + "not jcstress's sanity mode.\n");
        out.append("- **NOT-RUN**: no samples, for the reason listed above; fails the report only for a selected "
                + "test that fits the machine.\n");
        out.append("- **ERROR**: the test did not run cleanly (exception, timeout, VM crash). Fails the report.\n");
        return out.toString();
    }

    private static String cellText(Cell c) {
        String t = c.shortText();
        return c.failing() || c.state() == CellState.ALLOWED_AND_SEEN ? "**" + t + "**" : t;
    }

    private static String names(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + ", … " + names.get(names.size() - 1);
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
