package dev.sysmem.litmus.model;

/**
 * Where a construct starts in its litmus file: 1-based line and column, as editors count them.
 *
 * @param line   1-based line
 * @param column 1-based column (a tab counts as one column)
 */
public record Position(int line, int column) {

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
