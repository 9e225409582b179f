package dev.sysmem.litmus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A litmus run as tables a reader (or the claims report) can include: {@code litmus-report.md},
 * {@code litmus-report.html} and {@code litmus-report.section}, one row per test with its name,
 * the LKMM result from the file, what this machine showed (Never / Sometimes / Always with the
 * count of samples satisfying the condition out of those judged) and the verdict, then, when the
 * run explored the tests on the weak-memory model, what the model allows and its verdict, and why.
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

    /**
     * Writes the Markdown, HTML and section files into {@code directory}; {@code header} (run
     * settings, machine) goes above the table. {@code model} holds, by test file, what the
     * weak-memory model says; when it is not empty the tables show it beside this machine's
     * observation (a test it lacks shows "-").
     */
    public static void write(Path directory, String header, List<TestVerdict> rows, Map<String, ModelColumn> model)
            throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(MARKDOWN), "# Litmus tests on this machine\n\n" + header + "\n\n"
                + summary(rows, model) + "\n\n" + markdownTable(rows, model) + "\n## Final states seen\n\n"
                + markdownStates(rows), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(HTML), "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Litmus tests"
                + "</title></head><body>\n<h1>Litmus tests on this machine</h1>\n<p>" + escape(header) + "</p>\n<p>"
                + escape(summary(rows, model)) + "</p>\n" + htmlTable(rows, model) + "<h2>Final states seen</h2>\n"
                + htmlStates(rows) + "</body></html>\n", StandardCharsets.UTF_8);
        StringBuilder section = new StringBuilder(model.isEmpty() ? "# Litmus tests on this machine (sysmem litmus run)\n"
                : "# Litmus tests on this machine and on the weak-memory model (sysmem litmus run)\n")
                .append(header.replace('\n', ' ')).append(' ').append(summary(rows, model))
                .append("\n\n").append(String.join("\t", columns(model))).append('\n');
        for (TestVerdict r : rows) {
            section.append(String.join("\t", cells(r, model).stream().map(LitmusReport::tsv).toList())).append('\n');
        }
        Files.writeString(directory.resolve(SECTION), section.toString(), StandardCharsets.UTF_8);
    }

    /** The tables' header: the model's two columns come right after this machine's verdict. */
    private static List<String> columns(Map<String, ModelColumn> model) {
        return model.isEmpty() ? List.of("test", "LKMM", "condition", "this machine", "verdict", "why")
                : List.of("test", "LKMM", "condition", "this machine", "verdict", "model (exhaustive)", "model verdict", "why");
    }

    /** A row's cells in {@link #columns} order; "why" joins the run's note and the model's reason. */
    private static List<String> cells(TestVerdict r, Map<String, ModelColumn> model) {
        if (model.isEmpty()) {
            return List.of(r.name(), r.lkmm(), r.condition(), r.observed(), r.verdict().label(), r.note());
        }
        ModelColumn m = model.getOrDefault(r.file(), new ModelColumn("-", "-", "", false));
        String why = r.note().isEmpty() ? (m.why().isEmpty() ? "" : "model: " + m.why())
                : m.why().isEmpty() ? r.note() : r.note() + "; model: " + m.why();
        return List.of(r.name(), r.lkmm(), r.condition(), r.observed(), r.verdict().label(), m.observed(), m.verdict(), why);
    }

    private static String tsv(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }

    /** "12 test(s): 5 CONSISTENT, 4 STRONGER-THAN-MODEL, ...", and the model's tally when it ran. */
    public static String summary(List<TestVerdict> rows, Map<String, ModelColumn> model) {
        StringBuilder out = new StringBuilder(rows.size() + " test(s):");
        String sep = " ";
        for (Map.Entry<Verdict, Long> e : LitmusRun.tally(rows).entrySet()) {
            out.append(sep).append(e.getValue()).append(' ').append(e.getKey().label());
            sep = ", ";
        }
        if (!model.isEmpty()) {
            Map<String, Long> tally = new TreeMap<>(rows.stream().map(r -> model.get(r.file())).filter(Objects::nonNull)
                    .collect(Collectors.groupingBy(ModelColumn::verdict, Collectors.counting())));
            out.append("; on the model:");
            sep = " ";
            for (Map.Entry<String, Long> e : tally.entrySet()) {
                out.append(sep).append(e.getValue()).append(' ').append(e.getKey());
                sep = ", ";
            }
        }
        return out.toString();
    }

    /** The Markdown table. */
    public static String markdownTable(List<TestVerdict> rows, Map<String, ModelColumn> model) {
        List<String> columns = columns(model);
        StringBuilder out = new StringBuilder("| " + String.join(" | ", columns) + " |\n|" + "---|".repeat(columns.size())
                + "\n");
        int condition = columns.indexOf("condition");
        int verdict = columns.indexOf("verdict");
        for (TestVerdict r : rows) {
            List<String> cells = cells(r, model);
            out.append('|');
            for (int i = 0; i < cells.size(); i++) {
                String c = i == condition ? "`" + cells.get(i).replace("|", "\\|") + "`"
                        : i == verdict ? "**" + cells.get(i) + "**" : cell(cells.get(i));
                out.append(' ').append(c).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The HTML table. */
    public static String htmlTable(List<TestVerdict> rows, Map<String, ModelColumn> model) {
        List<String> columns = columns(model);
        StringBuilder out = new StringBuilder("<table>\n<tr>");
        columns.forEach(c -> out.append("<th>").append(escape(c)).append("</th>"));
        out.append("</tr>\n");
        int condition = columns.indexOf("condition");
        int verdict = columns.indexOf("verdict");
        for (TestVerdict r : rows) {
            List<String> cells = cells(r, model);
            out.append("<tr>");
            for (int i = 0; i < cells.size(); i++) {
                String c = escape(cells.get(i));
                out.append("<td>").append(i == condition ? "<code>" + c + "</code>" : i == verdict ? "<b>" + c + "</b>" : c)
                        .append("</td>");
            }
            out.append("</tr>\n");
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
