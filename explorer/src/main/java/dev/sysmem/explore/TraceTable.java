package dev.sysmem.explore;

import java.util.List;

/**
 * Renders a schedule's trace as a table a user reads: one column per thread, one row per
 * scheduling point (an access with region, offset, width, mode and value; a fence; a wait; a
 * {@code switch} saying why control moved), with the virtual time.
 */
final class TraceTable {

    private static final int MAX_CELL = 56;

    private TraceTable() {
    }

    static String render(List<TraceEvent> events, List<String> threadNames, int maxRows) {
        int columns = threadNames.size();
        int[] width = new int[columns];
        int first = Math.max(0, events.size() - maxRows);
        for (int c = 0; c < columns; c++) {
            width[c] = Math.max(8, threadNames.get(c).length());
        }
        for (int i = first; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            int c = column(e, columns);
            width[c] = Math.min(MAX_CELL, Math.max(width[c], e.cell().length()));
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
        for (int i = first; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            int c = column(e, columns);
            out.append(String.format("%6d %10s", i + 1, ScheduledRun.micros(e.clock())));
            for (int k = 0; k < columns; k++) {
                out.append(" | ").append(pad(k == c ? e.cell() : "", width[k]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static int column(TraceEvent e, int columns) {
        return e.thread() < 0 || e.thread() >= columns ? 0 : e.thread();
    }

    private static String pad(String s, int width) {
        if (s.length() > width) {
            return s.substring(0, width - 1) + "…";
        }
        return s + " ".repeat(width - s.length());
    }
}
