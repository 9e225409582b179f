package dev.sysmem.stress.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A section another run adds to the claims report (the litmus suite's table, for example): a
 * title, a paragraph and a table, read from a small tab-separated file and rendered in both the
 * Markdown and the HTML report after the claims matrix. It does not change the report's verdict;
 * a section states its own.
 *
 * <p><b>The file</b> ({@code ClaimsReport --section FILE}, repeatable), UTF-8:
 * <pre>
 * # Litmus tests from herd files            &lt;- line 1: "# " and the title
 * Each row is one litmus test, run by ...   &lt;- the paragraph: every line up to the first blank line
 *                                           &lt;- a blank line
 * Test&#9;Model&#9;Verdict                      &lt;- the table's header, tab-separated
 * MP+pooncerelease+poacquireonce&#9;Never&#9;HOLDS   &lt;- one line per row, as many cells as the header
 * </pre>
 * A file that breaks this shape is refused with its name, the line number and what was wrong.
 *
 * @param title   the section's heading
 * @param text    the paragraph under it
 * @param columns the table's header
 * @param rows    the table's rows, each as long as {@code columns}
 */
public record ReportSection(String title, String text, List<String> columns, List<List<String>> rows) {

    /** Reads a section file; see the class comment for its shape. */
    public static ReportSection read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).startsWith("# ") || lines.get(0).substring(2).isBlank()) {
            throw new IllegalArgumentException(file + ":1: a report section starts with \"# \" and its title");
        }
        String title = lines.get(0).substring(2).strip();
        int i = 1;
        StringBuilder text = new StringBuilder();
        while (i < lines.size() && !lines.get(i).isBlank()) {
            text.append(text.isEmpty() ? "" : " ").append(lines.get(i).strip());
            i++;
        }
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        if (i >= lines.size()) {
            throw new IllegalArgumentException(file + ": no table: after the paragraph and a blank line comes the "
                    + "tab-separated header");
        }
        List<String> columns = cells(lines.get(i));
        List<List<String>> rows = new ArrayList<>();
        for (int n = i + 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            List<String> row = cells(lines.get(n));
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(file + ":" + (n + 1) + ": " + row.size() + " cells, the header has "
                        + columns.size() + " (cells are separated by tabs)");
            }
            rows.add(row);
        }
        return new ReportSection(title, text.toString(), columns, List.copyOf(rows));
    }

    private static List<String> cells(String line) {
        return Arrays.stream(line.split("\t", -1)).map(String::strip).toList();
    }
}
