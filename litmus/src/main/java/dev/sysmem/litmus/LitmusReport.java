package dev.sysmem.litmus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A litmus run as tables a reader (or the claims report) can include: {@code litmus-report.md}
 * and {@code litmus-report.html}, one row per test with its name, file, the LKMM result from the
 * file, what this machine showed (Never / Sometimes / Always with the count of samples satisfying
 * the condition out of those judged) and the verdict with its reason.
 *
 * <p>The Markdown table has no heading above it and the HTML is one {@code <table>} element inside
 * a minimal page, so either can be pasted or included into a larger report; {@link #markdownTable}
 * and {@link #htmlTable} give the bare tables.
 */
public final class LitmusReport {

    /** The Markdown file's name. */
    public static final String MARKDOWN = "litmus-report.md";

    /** The HTML file's name. */
    public static final String HTML = "litmus-report.html";

    /**
     * The claims-report section's file name: the table as {@code ClaimsReport --section} takes it
     * (a {@code #} title line, a paragraph, a blank line, a tab-separated header and rows).
     */
    public static final String SECTION = "litmus-report.section";

    private LitmusReport() {
    }

    /** Writes both files into {@code directory}; {@code header} (run settings, machine) goes above the table. */
    public static void write(Path directory, String header, List<TestVerdict> rows) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(MARKDOWN), "# Litmus tests on this machine\n\n" + header + "\n\n"
                + summary(rows) + "\n\n" + markdownTable(rows) + "\n## Final states seen\n\n" + markdownStates(rows),
                StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(HTML), "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Litmus tests"
                + "</title></head><body>\n<h1>Litmus tests on this machine</h1>\n<p>" + escape(header) + "</p>\n<p>"
                + escape(summary(rows)) + "</p>\n" + htmlTable(rows) + "<h2>Final states seen</h2>\n" + htmlStates(rows)
                + "</body></html>\n", StandardCharsets.UTF_8);
        StringBuilder section = new StringBuilder("# Litmus tests on this machine (sysmem litmus run)\n")
                .append(header.replace('\n', ' ')).append(' ').append(summary(rows))
                .append("\n\ntest\tLKMM\tcondition\tthis machine\tverdict\twhy\n");
        for (TestVerdict r : rows) {
            section.append(tsv(r.name())).append('\t').append(tsv(r.lkmm())).append('\t').append(tsv(r.condition()))
                    .append('\t').append(tsv(r.observed())).append('\t').append(r.verdict().label()).append('\t')
                    .append(tsv(r.note())).append('\n');
        }
        Files.writeString(directory.resolve(SECTION), section.toString(), StandardCharsets.UTF_8);
    }

    private static String tsv(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }

    /** "12 tests: 5 CONSISTENT, 4 STRONGER-THAN-MODEL, ..." */
    public static String summary(List<TestVerdict> rows) {
        StringBuilder out = new StringBuilder(rows.size() + " test(s):");
        String sep = " ";
        for (Map.Entry<Verdict, Long> e : LitmusRun.tally(rows).entrySet()) {
            out.append(sep).append(e.getValue()).append(' ').append(e.getKey().label());
            sep = ", ";
        }
        return out.toString();
    }

    /** The Markdown table. */
    public static String markdownTable(List<TestVerdict> rows) {
        StringBuilder out = new StringBuilder("| test | LKMM | condition | this machine | verdict | why |\n"
                + "|---|---|---|---|---|---|\n");
        for (TestVerdict r : rows) {
            out.append("| ").append(cell(r.name())).append(" | ").append(cell(r.lkmm())).append(" | `")
                    .append(r.condition().replace("|", "\\|")).append("` | ").append(cell(r.observed())).append(" | **")
                    .append(r.verdict().label()).append("** | ").append(cell(r.note())).append(" |\n");
        }
        return out.toString();
    }

    /** The HTML table. */
    public static String htmlTable(List<TestVerdict> rows) {
        StringBuilder out = new StringBuilder("<table>\n<tr><th>test</th><th>LKMM</th><th>condition</th>"
                + "<th>this machine</th><th>verdict</th><th>why</th></tr>\n");
        for (TestVerdict r : rows) {
            out.append("<tr><td>").append(escape(r.name())).append("</td><td>").append(escape(r.lkmm()))
                    .append("</td><td><code>").append(escape(r.condition())).append("</code></td><td>")
                    .append(escape(r.observed())).append("</td><td><b>").append(escape(r.verdict().label()))
                    .append("</b></td><td>").append(escape(r.note())).append("</td></tr>\n");
        }
        return out.append("</table>\n").toString();
    }

    /** For each test that ran, every final state seen and how often, most frequent first. */
    public static String markdownStates(List<TestVerdict> rows) {
        StringBuilder out = new StringBuilder();
        for (TestVerdict r : rows) {
            r.observation().ifPresent(o -> out.append("- ").append(r.name()).append(": ").append(states(o, "`", "`"))
                    .append('\n'));
        }
        return out.toString();
    }

    /** {@link #markdownStates} as an HTML list. */
    public static String htmlStates(List<TestVerdict> rows) {
        StringBuilder out = new StringBuilder("<ul>\n");
        for (TestVerdict r : rows) {
            r.observation().ifPresent(o -> out.append("<li>").append(escape(r.name())).append(": ")
                    .append(states(o, "<code>", "</code>")).append("</li>\n"));
        }
        return out.append("</ul>\n").toString();
    }

    private static String states(Observation o, String open, String close) {
        return o.states().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> open + escape(e.getKey()) + close + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("\n", "<br>");
    }
}
