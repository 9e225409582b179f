package dev.sysmem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The {@code sysmem} launcher: one command whose subcommands come from the modules on its path.
 * Each {@link SysmemCommand} found by {@link ServiceLoader} becomes a subcommand ({@code sim} from
 * this module, {@code claims} from stress-tests, and so on), in name order.
 *
 * <pre>
 * sysmem --help
 * sysmem sim list
 * sysmem sim run mailbox --file /dev/shm/mbox --create
 * sysmem claims --tests MessagePassing
 * </pre>
 *
 * <p>Exit codes are {@link ExitCode}'s for every subcommand. A usage error prints what was wrong
 * and where to find help, in two lines, never the whole help ({@link CommandLines#configure}).
 */
@Command(name = "sysmem", synopsisSubcommandLabel = "COMMAND",
        description = "A harness for Java code that shares memory with hardware: simulated devices, the claims run, and more.",
        footer = {"", "Exit codes: 0 done, 1 failed (a device failed, a file or run problem), 2 usage error.",
                "Run 'sysmem COMMAND --help' for a command's options."})
public final class Sysmem implements Runnable {

    /** The top command; {@link #commandLine()} makes one with its subcommands. */
    public Sysmem() {
    }

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Runs the launcher and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The launcher with every subcommand found on its module or class path; set its streams before executing. */
    public static CommandLine commandLine() {
        return commandLine(ServiceLoader.load(SysmemCommand.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** The launcher with exactly these subcommands. */
    public static CommandLine commandLine(List<SysmemCommand> commands) {
        CommandLine cli = new CommandLine(new Sysmem());
        commands.stream().sorted(Comparator.comparing(SysmemCommand::name)).forEach(command -> {
            if (cli.getSubcommands().containsKey(command.name())) {
                throw new IllegalStateException("two modules provide the sysmem command '" + command.name() + "'");
            }
            cli.addSubcommand(command.name(), command.commandLine());
        });
        return CommandLines.configure(cli);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of "
                + String.join(", ", spec.commandLine().getSubcommands().keySet()));
    }
}
