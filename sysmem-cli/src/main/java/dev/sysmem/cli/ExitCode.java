package dev.sysmem.cli;

/**
 * The exit codes of every {@code sysmem} command, the same for all subcommands so that scripts can
 * rely on them.
 */
public final class ExitCode {

    /** The command did what was asked (a device that was stopped, by signal or {@code --duration}, included). */
    public static final int OK = 0;
    /** The command could not do it: a device failed or could not start, a file problem, a failed run. */
    public static final int FAILED = 1;
    /** The command line was wrong: an unknown command or option, a bad value, a missing argument. */
    public static final int USAGE = 2;

    private ExitCode() {
    }
}
