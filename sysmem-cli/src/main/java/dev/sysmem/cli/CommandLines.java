package dev.sysmem.cli;

import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.List;

/**
 * What every {@code sysmem} command line shares: usage errors in two lines, failures in one, and
 * the exit codes of {@link ExitCode}.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /**
     * Makes {@code cli} and every subcommand added to it so far report errors the sysmem way:
     * <ul>
     *   <li>a usage error prints {@code COMMAND: what was wrong} and
     *       {@code Try 'COMMAND --help' for the options.} on stderr and exits {@link ExitCode#USAGE};</li>
     *   <li>a file problem prints {@code ROOT: FILE: reason}, other {@link IOException}s,
     *       {@link IllegalArgumentException}s and {@link IllegalStateException}s their message, and
     *       anything else the exception with its stack trace; all exit {@link ExitCode#FAILED}.</li>
     * </ul>
     */
    public static CommandLine configure(CommandLine cli) {
        cli.setParameterExceptionHandler(CommandLines::usageError);
        cli.setExecutionExceptionHandler(CommandLines::failure);
        return cli;
    }

    /**
     * Runs {@code command} (a picocli command object) on {@code args} the sysmem way
     * ({@link #configure}), with its output and errors going to {@code out} and {@code err} as
     * UTF-8, and returns the exit code: for tools that are called from other code and tests as
     * well as from a {@code main}.
     */
    public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        return configure(new CommandLine(command))
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        List<String> unmatched = command.getUnmatchedArguments();
        if (e instanceof MissingParameterException && !unmatched.isEmpty()) {
            // picocli checks required options before it reports what it did not recognise; the
            // unknown argument is the likelier mistake (a misspelt --file), so it comes first.
            err.println(name + ": Unknown option" + (unmatched.size() > 1 ? "s" : "") + ": '"
                    + String.join("', '", unmatched) + "'");
        }
        err.println(name + ": " + e.getMessage());
        if (e instanceof UnmatchedArgumentException unknown && !unknown.getSuggestions().isEmpty()) {
            err.println("Did you mean: " + String.join(", ", unknown.getSuggestions()) + "?");
        }
        err.println("Try '" + name + " --help' for the options.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static int failure(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        String root = command.getCommandSpec().root().name();
        if (e instanceof FileSystemException f) {
            err.println(root + ": " + f.getFile() + ": " + (f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName().replace("Exception", "")));
        } else if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            err.println(root + ": " + e.getMessage());
        } else {
            err.println(root + ": unexpected error: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILED;
    }
}
