package dev.sysmem.stress.report;

import dev.sysmem.io.Width;
import dev.sysmem.stress.Property;
import dev.sysmem.stress.SegmentKind;
import dev.sysmem.stress.report.ClaimMatrix.Column;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims report as one self-contained HTML page (inline style, no scripts, no external
 * resources): a coloured matrix whose rows are the claims and whose columns are mode × segment ×
 * width. A claim whose tests fix their own widths has one cell spanning its segment's width
 * columns; one that uses no segment spans its mode's columns. Hovering a cell shows its test and
 * the outcomes seen; the details below list every test.
 */
final class HtmlReport {

    private static final Map<CellState, String> COLOURS = Map.of(
            CellState.HOLDS, "#66bb6a",
            CellState.HOLDS_UNTESTABLE_HERE, "#dcedc8",
            CellState.INSUFFICIENT, "#fff59d",
            CellState.VIOLATED, "#e53935",
            CellState.ALLOWED_AND_SEEN, "#90caf9",
            CellState.ALLOWED_NOT_SEEN, "#e3f2fd",
            CellState.CONTROL_NOT_SEEN, "#ffb74d",
            CellState.NOT_RUN, "#e0e0e0",
            CellState.ERROR, "#8e0000");

    private HtmlReport() {
    }

    static String render(ClaimsReport report) {
        ClaimMatrix m = report.matrix();
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>sysmem claims report</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:.5em 0}\n")
                .append("th,td{border:1px solid #bbb;padding:3px 5px;font-size:12px;vertical-align:top}\n")
                .append("table.matrix td{text-align:center;white-space:nowrap}\n")
                .append("table.matrix th.claim{text-align:left;white-space:nowrap}\n")
                .append("td.na{background:#fff;color:#999}\n")
                .append(".pass{background:#e8f5e9;border:2px solid #2e7d32;padding:.5em}\n")
                .append(".fail{background:#ffebee;border:2px solid #c62828;padding:.5em}\n")
                .append(".swatch{display:inline-block;width:1.2em;height:1em;vertical-align:middle;border:1px solid #999}\n")
                .append("</style>\n</head>\n<body>\n<h1>sysmem claims report</h1>\n");

        out.append("<p class=\"").append(report.passes() ? "pass" : "fail").append("\"><b>")
                .append(escape(report.verdict())).append("</b></p>\n<table>\n");
        for (Map.Entry<String, String> e : Findings.header(report).entrySet()) {
            out.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(e.getValue()))
                    .append("</td></tr>\n");
        }
        out.append("</table>\n");

        out.append("<h2>Claims matrix</h2>\n<p>");
        for (CellState s : CellState.values()) {
            out.append("<span class=\"swatch\" style=\"background:").append(COLOURS.get(s)).append("\"></span> ")
                    .append(s.label()).append(" &nbsp; ");
        }
        out.append("</p>\n");
        matrix(m, out);

        out.append("<h2>What this machine showed</h2>\n<ul>\n");
        for (Property p : m.properties()) {
            out.append("<li><b>").append(escape(p.title())).append("</b> (").append(escape(p.claim())).append(") ")
                    .append(escape(Findings.rowSummary(m, p))).append(".</li>\n");
        }
        out.append("</ul>\n");

        Map<String, List<String>> untestable = Findings.byReason(m, CellState.HOLDS_UNTESTABLE_HERE, CellState.INSUFFICIENT);
        if (!untestable.isEmpty()) {
            out.append("<h2>What this machine could not show</h2>\n<ul>\n");
            for (Map.Entry<String, List<String>> e : untestable.entrySet()) {
                out.append("<li>").append(escape(e.getKey())).append(": ").append(e.getValue().size())
                        .append(" tests (").append(escape(String.join(", ", e.getValue()))).append(")</li>\n");
            }
            out.append("</ul>\n");
        }

        Map<String, List<String>> unrun = Findings.byReason(m, CellState.NOT_RUN, CellState.ERROR);
        if (!unrun.isEmpty()) {
            out.append("<h2>Not run and errors</h2>\n<ul>\n");
            for (Map.Entry<String, List<String>> e : unrun.entrySet()) {
                out.append("<li>").append(escape(e.getKey())).append(": ").append(e.getValue().size())
                        .append(" tests (").append(escape(String.join(", ", e.getValue()))).append(")</li>\n");
            }
            out.append("</ul>\n");
        }

        for (ReportSection section : report.sections()) {
            out.append("<h2>").append(escape(section.title())).append("</h2>\n<p>").append(escape(section.text()))
                    .append("</p>\n<table>\n<tr>");
            section.columns().forEach(c -> out.append("<th>").append(escape(c)).append("</th>"));
            out.append("</tr>\n");
            for (List<String> row : section.rows()) {
                out.append("<tr>");
                row.forEach(c -> out.append("<td>").append(escape(c)).append("</td>"));
                out.append("</tr>\n");
            }
            out.append("</table>\n");
        }

        out.append("<h2>Legend</h2>\n<ul>\n");
        for (CellState state : CellState.values()) {
            out.append("<li><span class=\"swatch\" style=\"background:").append(COLOURS.get(state)).append("\"></span> <b>")
                    .append(state.label()).append("</b>: ").append(escape(Findings.meaning(state))).append("</li>\n");
        }
        out.append("</ul>\n");

        out.append("<h2>Every test</h2>\n");
        for (Property p : m.properties()) {
            out.append("<details><summary>").append(escape(p.title())).append("</summary>\n<table>\n")
                    .append("<tr><th>Test</th><th>Verdict</th><th>Samples</th><th>Outcomes seen</th></tr>\n");
            for (Cell c : m.row(p)) {
                out.append("<tr><td>").append(escape(c.simpleName())).append("</td><td style=\"background:")
                        .append(COLOURS.get(c.state())).append(textColour(c.state())).append("\">")
                        .append(escape(c.text())).append("</td><td>")
                        .append(c.run().map(r -> Long.toString(r.samples())).orElse("")).append("</td><td>")
                        .append(escape(Findings.outcomes(c))).append("</td></tr>\n");
            }
            out.append("</table></details>\n");
        }
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void matrix(ClaimMatrix m, StringBuilder out) {
        int perSegment = m.widths().size();
        int perColumn = perSegment * m.segments().size();
        out.append("<table class=\"matrix\">\n<tr><th rowspan=\"3\">Claim</th>");
        for (Column column : m.columns()) {
            out.append("<th colspan=\"").append(perColumn).append("\">").append(escape(column.title())).append("</th>");
        }
        out.append("</tr>\n<tr>");
        for (Column ignored : m.columns()) {
            for (SegmentKind s : m.segments()) {
                out.append("<th colspan=\"").append(perSegment).append("\" title=\"").append(escape(s.description()))
                        .append("\">").append(Findings.segmentLabel(s)).append("</th>");
            }
        }
        out.append("</tr>\n<tr>");
        for (int i = 0; i < m.columns().size() * m.segments().size(); i++) {
            for (Width w : m.widths()) {
                out.append("<th>").append(w).append("</th>");
            }
        }
        out.append("</tr>\n");
        for (Property p : m.properties()) {
            out.append("<tr><th class=\"claim\" title=\"").append(escape(p.claim())).append("\">")
                    .append(escape(p.title())).append("</th>");
            boolean bySegment = !m.segmentsOf(p).isEmpty();
            boolean byWidth = !m.widthsOf(p).isEmpty();
            for (Column column : m.columns()) {
                if (!bySegment) {
                    cell(m.at(p, column, Optional.empty(), Optional.empty()), perColumn, out);
                    continue;
                }
                for (SegmentKind s : m.segments()) {
                    if (!byWidth) {
                        cell(m.at(p, column, Optional.of(s), Optional.empty()), perSegment, out);
                        continue;
                    }
                    for (Width w : m.widths()) {
                        cell(m.at(p, column, Optional.of(s), Optional.of(w)), 1, out);
                    }
                }
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private static void cell(Optional<Cell> cell, int span, StringBuilder out) {
        out.append("<td").append(span > 1 ? " colspan=\"" + span + "\"" : "");
        if (cell.isEmpty()) {
            out.append(" class=\"na\">—</td>");
            return;
        }
        Cell c = cell.get();
        String title = c.simpleName() + ": " + c.text() + (Findings.outcomes(c).isEmpty() ? "" : "\n" + Findings.outcomes(c));
        out.append(" style=\"background:").append(COLOURS.get(c.state())).append(textColour(c.state()))
                .append("\" title=\"").append(escape(title)).append("\">").append(escape(c.shortText())).append("</td>");
    }

    private static String textColour(CellState state) {
        return state == CellState.VIOLATED || state == CellState.ERROR ? ";color:#fff;font-weight:bold" : "";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
