package dev.sysmem.cli;

import picocli.CommandLine;

/**
 * A subcommand of the {@code sysmem} launcher, contributed by whichever module provides it: the
 * launcher finds every implementation with {@link java.util.ServiceLoader} and adds
 * {@link #commandLine()} under {@link #name()}. A module adds a subcommand by implementing this
 * interface and declaring it, in its {@code module-info.java}
 * ({@code provides dev.sysmem.cli.SysmemCommand with ...}) and, for the class path, in
 * {@code META-INF/services/dev.sysmem.cli.SysmemCommand}; nothing in the launcher changes.
 *
 * <p><b>Contract.</b> {@link #commandLine()} returns a fresh picocli {@link CommandLine} each time
 * (picocli commands hold parsed state), and does no work beyond building it. The launcher builds
 * only the subcommand a command line names; {@code sysmem --help} lists the others by
 * {@link #name()} and {@link #description()}, so both must be cheap: a constructor with no work
 * and constants. Sizes and durations are parsed with {@link SizeConverter} and
 * {@link DurationConverter}, so that every command accepts the same syntax. Exit codes follow
 * {@link ExitCode}.
 */
public interface SysmemCommand {

    /** The subcommand's name, as typed after {@code sysmem}: lower case, e.g. {@code "litmus"}. */
    String name();

    /** A fresh command line for the subcommand. */
    CommandLine commandLine();

    /**
     * What the subcommand does, in one line, as {@code sysmem --help} lists it: the first line of
     * its command's description. The default builds {@link #commandLine()} to read it, which slows
     * down every {@code sysmem --help}; an implementation returns the constant its
     * {@code @Command} annotation also names, so the two cannot differ.
     */
    default String description() {
        String[] lines = commandLine().getCommandSpec().usageMessage().description();
        return lines.length == 0 ? "" : lines[0];
    }
}
