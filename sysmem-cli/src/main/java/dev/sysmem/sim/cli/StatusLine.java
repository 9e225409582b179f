package dev.sysmem.sim.cli;

import java.io.PrintWriter;

/**
 * A status line on stderr: rewritten in place (carriage return) on an interactive terminal, one
 * line per update otherwise, so that a log file stays readable.
 */
final class StatusLine {

    private final PrintWriter err;
    private final boolean inPlace;
    private int lastLength;

    StatusLine(PrintWriter err, boolean inPlace) {
        this.err = err;
        this.inPlace = inPlace;
    }

    /** Whether the standard streams are an interactive terminal. */
    static boolean interactive() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    void show(String text) {
        if (inPlace) {
            err.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
            lastLength = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Ends an in-place line, so what follows starts on a line of its own. */
    void end() {
        if (inPlace && lastLength > 0) {
            err.println();
            err.flush();
        }
    }
}
