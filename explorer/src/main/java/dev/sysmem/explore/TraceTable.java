package dev.sysmem.explore;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a schedule's trace as a table a user reads: one column per thread, one row per
 * scheduling point (an access with region, offset, width, mode and value; a fence; a wait; a
 * {@code switch} saying why control moved), with the virtual time.
 */
final class TraceTable {

    private static final int MAX_CELL = 56;
    private static final int MAX_PERIOD = 4;
    private static final int MIN_FOLDED = 4;
    private static final java.util.regex.Pattern WAKE_TIME = java.util.regex.Pattern.compile("until t=[0-9.]+ µs");

    private TraceTable() {
    }

    static String render(List<TraceEvent> events, List<String> threadNames, int maxRows) {
        List<Row> rows = fold(events);
        int columns = threadNames.size();
        int[] width = new int[columns];
        int first = Math.max(0, rows.size() - maxRows);
        for (int c = 0; c < columns; c++) {
            width[c] = Math.max(8, threadNames.get(c).length());
        }
        for (int i = first; i < rows.size(); i++) {
            Row r = rows.get(i);
            width[r.column(columns)] = Math.min(MAX_CELL, Math.max(width[r.column(columns)], r.text.length()));
        }
        StringBuilder out = new StringBuilder();
        if (first > 0) {
            out.append("(").append(first).append(" earlier rows not shown)\n");
        }
        out.append(String.format("%6s %10s", "row", "time"));
        for (int c = 0; c < columns; c++) {
            out.append(" | ").append(pad(threadNames.get(c), width[c]));
        }
        out.append('\n');
        out.append("-".repeat(17));
        for (int c = 0; c < columns; c++) {
            out.append("-+-").append("-".repeat(width[c]));
        }
        out.append('\n');
        for (int i = first; i < rows.size(); i++) {
            Row r = rows.get(i);
            int c = r.column(columns);
            out.append(String.format("%6s %10s", r.number, ScheduledRun.micros(r.clock)));
            for (int k = 0; k < columns; k++) {
                out.append(" | ").append(pad(k == c ? r.text : "", width[k]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A rendered row: an event, or a note that the rows before it repeat. */
    private record Row(String number, int thread, String text, long clock) {
        int column(int columns) {
            return thread < 0 || thread >= columns ? 0 : thread;
        }
    }

    /**
     * Folds repetition (a thread polling the same register and sleeping, over and over): when a
     * block of up to {@link #MAX_PERIOD} rows repeats with the same text, only its first occurrence
     * is shown, followed by a row saying how often it repeated.
     */
    private static List<Row> fold(List<TraceEvent> events) {
        List<Row> rows = new ArrayList<>();
        int i = 0;
        while (i < events.size()) {
            int bestPeriod = 0;
            int bestRepeats = 0;
            for (int p = 1; p <= MAX_PERIOD && i + 2 * p <= events.size(); p++) {
                int repeats = 0;
                while (i + (repeats + 2) * p <= events.size() && sameBlock(events, i, i + (repeats + 1) * p, p)) {
                    repeats++;
                }
                if (repeats * p > bestRepeats * bestPeriod) {
                    bestPeriod = p;
                    bestRepeats = repeats;
                }
            }
            if (bestRepeats * bestPeriod >= MIN_FOLDED) {
                for (int k = i; k < i + bestPeriod; k++) {
                    rows.add(row(events, k));
                }
                int last = i + (bestRepeats + 1) * bestPeriod - 1;
                TraceEvent end = events.get(last);
                rows.add(new Row("...", events.get(i).thread(), "(the " + bestPeriod + " row" + (bestPeriod == 1 ? "" : "s")
                        + " above repeat " + bestRepeats + " more times, to row " + (last + 1) + ")", end.clock()));
                i = last + 1;
            } else {
                rows.add(row(events, i));
                i++;
            }
        }
        return rows;
    }

    private static Row row(List<TraceEvent> events, int i) {
        TraceEvent e = events.get(i);
        return new Row(Integer.toString(i + 1), e.thread(), e.cell(), e.clock());
    }

    private static boolean sameBlock(List<TraceEvent> events, int a, int b, int length) {
        for (int k = 0; k < length; k++) {
            TraceEvent x = events.get(a + k);
            TraceEvent y = events.get(b + k);
            if (x.thread() != y.thread() || !withoutTime(x).equals(withoutTime(y))) {
                return false;
            }
        }
        return true;
    }

    private static String withoutTime(TraceEvent e) {
        return WAKE_TIME.matcher(e.cell()).replaceAll("");
    }

    private static String pad(String s, int width) {
        if (s.length() > width) {
            return s.substring(0, width - 1) + "…";
        }
        return s + " ".repeat(width - s.length());
    }
}
