package dev.sysmem.litmus.explore;

import dev.sysmem.litmus.model.ModelResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The weak-memory model's verdicts as tables: {@code litmus-model.md} and
 * {@code litmus-model.html} (one row per test: LKMM's result, the model's observation with
 * counts of executions, the verdict and why), and {@code litmus-model.section}, a section the
 * claims report includes (its format: a {@code #} title line, a paragraph, a blank line, then a
 * tab-separated header and rows).
 */
public final class ModelReport {

    /** The Markdown file's name. */
    public static final String MARKDOWN = "litmus-model.md";
    /** The HTML file's name. */
    public static final String HTML = "litmus-model.html";
    /** The claims-report section's file name. */
    public static final String SECTION = "litmus-model.section";

    private ModelReport() {
    }

    /** "38 test(s): 30 CONSISTENT, 2 MODEL-STRONGER, ..." */
    public static String summary(List<LitmusExploration> rows) {
        Map<ModelVerdict, Integer> tally = new EnumMap<>(ModelVerdict.class);
        rows.forEach(r -> tally.merge(r.verdict(), 1, Integer::sum));
        StringBuilder out = new StringBuilder(rows.size() + " test(s):");
        String sep = " ";
        for (Map.Entry<ModelVerdict, Integer> e : tally.entrySet()) {
            out.append(sep).append(e.getValue()).append(' ').append(e.getKey().label());
            sep = ", ";
        }
        return out.toString();
    }

    /** What the model showed for a row: e.g. {@code Sometimes (12 of 20 executions)}. */
    static String observed(LitmusExploration r) {
        return r.observed().map(o -> o.word() + " (" + r.positive() + " of " + (r.positive() + r.negative())
                + " executions)").orElse("-");
    }

    /** The Markdown table. */
    public static String markdownTable(List<LitmusExploration> rows) {
        StringBuilder out = new StringBuilder("| test | LKMM | model (exhaustive) | verdict | time | why |\n"
                + "|---|---|---|---|---|---|\n");
        for (LitmusExploration r : rows) {
            out.append("| ").append(cell(r.test().name())).append(" | ")
                    .append(cell(r.test().modelResult().map(ModelResult::word).orElse("-"))).append(" | ")
                    .append(cell(observed(r))).append(" | **").append(r.verdict().label()).append("** | ")
                    .append(millis(r)).append(" | ").append(cell(r.reason())).append(" |\n");
        }
        return out.toString();
    }

    /** Writes the Markdown, HTML and section files into {@code directory}. */
    public static void write(Path directory, String header, List<LitmusExploration> rows) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(MARKDOWN), "# Litmus tests on the weak-memory model\n\n" + header + "\n\n"
                + LitmusExploration.LIMITS + ".\n\n" + summary(rows) + "\n\n" + markdownTable(rows)
                + "\n## Reachable final states\n\n" + markdownStates(rows), StandardCharsets.UTF_8);
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Litmus tests on "
                + "the weak-memory model</title></head><body>\n<h1>Litmus tests on the weak-memory model</h1>\n<p>")
                .append(escape(header)).append("</p>\n<p>").append(escape(LitmusExploration.LIMITS)).append(".</p>\n<p>")
                .append(escape(summary(rows))).append("</p>\n<table>\n<tr><th>test</th><th>LKMM</th><th>model "
                        + "(exhaustive)</th><th>verdict</th><th>time</th><th>why</th></tr>\n");
        for (LitmusExploration r : rows) {
            html.append("<tr><td>").append(escape(r.test().name())).append("</td><td>")
                    .append(escape(r.test().modelResult().map(ModelResult::word).orElse("-"))).append("</td><td>")
                    .append(escape(observed(r))).append("</td><td><b>").append(escape(r.verdict().label()))
                    .append("</b></td><td>").append(millis(r)).append("</td><td>").append(escape(r.reason()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        Files.writeString(directory.resolve(HTML), html.toString(), StandardCharsets.UTF_8);
        StringBuilder section = new StringBuilder("# Litmus tests on the weak-memory model (sysmem litmus explore)\n")
                .append(header).append(' ').append(LitmusExploration.LIMITS).append(". ").append(summary(rows))
                .append("\n\ntest\tLKMM\tmodel (exhaustive)\tverdict\twhy\n");
        for (LitmusExploration r : rows) {
            section.append(tsv(r.test().name())).append('\t')
                    .append(r.test().modelResult().map(ModelResult::word).orElse("-")).append('\t')
                    .append(tsv(observed(r))).append('\t').append(r.verdict().label()).append('\t')
                    .append(tsv(r.reason())).append('\n');
        }
        Files.writeString(directory.resolve(SECTION), section.toString(), StandardCharsets.UTF_8);
    }

    /** Each explored test's reachable final states of the condition's observables. */
    public static String markdownStates(List<LitmusExploration> rows) {
        StringBuilder out = new StringBuilder();
        for (LitmusExploration r : rows) {
            if (!r.outcomes().isEmpty()) {
                out.append("- ").append(r.test().name()).append(": ");
                String sep = "";
                for (String s : r.outcomes()) {
                    out.append(sep).append('`').append(s).append('`');
                    sep = ", ";
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String millis(LitmusExploration r) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", r.nanos() / 1e6);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String tsv(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
