package dev.sysmem.stress.report;

import dev.sysmem.io.Width;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;
import dev.sysmem.stress.report.ClaimMatrix.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims report as Markdown. The matrix has one row per claim and width (a claim whose tests
 * fix their own widths has one row) and one column per mode and segment, then one per broken
 * implementation (the controls) and segment, which keeps every axis in a table narrow enough to
 * read as text.
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
        out.append("Columns: access mode, then segment (");
        List<String> kinds = new ArrayList<>();
        for (SegmentKind s : m.segments()) {
            kinds.add(Findings.segmentLabel(s) + " = " + s.description());
        }
        out.append(String.join(", ", kinds)).append("); then the controls that run the same test through a "
                + "deliberately broken implementation. A cell names the verdict and its count: samples for HOLDS and "
                + "UNTESTABLE (HOLDS-UNTESTABLE-HERE), sightings of the weak outcome for SEEN (ALLOWED-AND-SEEN) and "
                + "VIOLATED. \"—\" means the claim has no test in that column.\n\n");
        List<String> header = new ArrayList<>(List.of("Claim", "Width"));
        for (Column column : m.columns()) {
            for (SegmentKind s : m.segments()) {
                header.add(column.title() + " " + Findings.segmentLabel(s));
            }
        }
        out.append("| ").append(String.join(" | ", header)).append(" |\n");
        out.append("|").append("---|".repeat(header.size())).append('\n');
        for (Property p : m.properties()) {
            List<Optional<Width>> widths = m.widthsOf(p).isEmpty() ? List.of(Optional.empty())
                    : m.widthsOf(p).stream().map(Optional::of).toList();
            for (Optional<Width> w : widths) {
                List<String> row = new ArrayList<>(List.of(p.title(), Findings.widthLabel(w)));
                for (Column column : m.columns()) {
                    for (SegmentKind s : m.segments()) {
                        Optional<SegmentKind> seg = m.segmentsOf(p).isEmpty() ? Optional.empty() : Optional.of(s);
                        row.add(m.at(p, column, seg, w).map(MarkdownReport::cellText).orElse("—"));
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

        Map<String, List<String>> untestable = Findings.byReason(m, CellState.HOLDS_UNTESTABLE_HERE, CellState.INSUFFICIENT);
        if (!untestable.isEmpty()) {
            out.append("\n## What this machine could not show\n\n");
            for (Map.Entry<String, List<String>> e : untestable.entrySet()) {
                out.append("- ").append(escape(e.getKey())).append(": ").append(e.getValue().size()).append(" test")
                        .append(e.getValue().size() == 1 ? "" : "s").append(" (").append(names(e.getValue())).append(")\n");
            }
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

        Map<String, List<String>> unrun = Findings.byReason(m, CellState.NOT_RUN, CellState.ERROR);
        if (!unrun.isEmpty()) {
            out.append("\n## Not run and errors\n\n");
            for (Map.Entry<String, List<String>> e : unrun.entrySet()) {
                out.append("- ").append(escape(e.getKey())).append(": ").append(e.getValue().size()).append(" test")
                        .append(e.getValue().size() == 1 ? "" : "s").append(" (").append(names(e.getValue())).append(")\n");
            }
        }

        for (ReportSection section : report.sections()) {
            out.append("\n## ").append(escape(section.title())).append("\n\n");
            if (!section.text().isEmpty()) {
                out.append(section.text()).append("\n\n");
            }
            out.append("| ").append(String.join(" | ", section.columns().stream().map(MarkdownReport::escape).toList()))
                    .append(" |\n|").append("---|".repeat(section.columns().size())).append('\n');
            for (List<String> row : section.rows()) {
                out.append("| ").append(String.join(" | ", row.stream().map(MarkdownReport::escape).toList())).append(" |\n");
            }
        }

        out.append("\n## Legend\n\n");
        for (CellState state : CellState.values()) {
            out.append("- **").append(state.label()).append("**: ").append(Findings.meaning(state)).append('\n');
        }
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
