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
 * (picocli commands hold parsed state), and does no work beyond building it: the launcher
 * builds every subcommand to show {@code --help}, so building must be cheap. Sizes and durations are
 * parsed with {@link SizeConverter} and {@link DurationConverter}, so that every command accepts
 * the same syntax. Exit codes follow {@link ExitCode}.
 */
public interface SysmemCommand {

    /** The subcommand's name, as typed after {@code sysmem}: lower case, e.g. {@code "litmus"}. */
    String name();

    /** A fresh command line for the subcommand. */
    CommandLine commandLine();
}
