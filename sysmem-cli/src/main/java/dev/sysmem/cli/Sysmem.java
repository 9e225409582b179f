package dev.sysmem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.Arrays;
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
 * <p>Only the subcommand the arguments name is built: the others appear in {@code --help} with
 * their {@link SysmemCommand#description()}. Building a picocli command reads its annotations
 * reflectively, which costs more at start-up than anything else the launcher does.
 *
 * <p>Exit codes are {@link ExitCode}'s for every subcommand. A usage error prints what was wrong
 * and where to find help, in two lines, never the whole help ({@link CommandLines#configure}).
 */
@Command(name = "sysmem", synopsisSubcommandLabel = "COMMAND",
        description = "A harness for Java code that shares memory with hardware: simulated devices, the claims run, and more.",
        footer = {"", "Exit codes: 0 done, 1 failed (a device failed, a file or run problem), 2 usage error.",
                "Run 'sysmem COMMAND --help' for a command's options."})
public final class Sysmem implements Runnable {

    /** The top command; {@link #commandLine(String...)} makes one with its subcommands. */
    public Sysmem() {
    }

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Runs the launcher and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /**
     * The launcher, ready to execute {@code args}, with every subcommand found on its module or
     * class path; set its streams before executing.
     */
    public static CommandLine commandLine(String... args) {
        return commandLine(ServiceLoader.load(SysmemCommand.class).stream().map(ServiceLoader.Provider::get).toList(), args);
    }

    /**
     * The launcher with exactly these subcommands, ready to execute {@code args}: the subcommand
     * {@code args} names (its first argument that is not an option) is built, every other one is
     * only listed, by name and {@link SysmemCommand#description()}. Where that argument is an
     * {@code @FILE} of arguments, every subcommand is built.
     *
     * @throws IllegalStateException if two of {@code commands} have one name
     */
    public static CommandLine commandLine(List<SysmemCommand> commands, String... args) {
        String named = Arrays.stream(args).filter(arg -> !arg.startsWith("-")).findFirst().orElse("");
        // picocli reads an argument @FILE as the arguments in FILE: the subcommand is not known
        // before parsing, so every one is built.
        boolean buildAll = named.startsWith("@");
        CommandLine cli = new CommandLine(new Sysmem());
        commands.stream().sorted(Comparator.comparing(SysmemCommand::name)).forEach(command -> {
            if (cli.getSubcommands().containsKey(command.name())) {
                throw new IllegalStateException("two modules provide the sysmem command '" + command.name() + "'");
            }
            cli.addSubcommand(command.name(), buildAll || command.name().equals(named) ? command.commandLine() : listed(command));
        });
        return CommandLines.configure(cli);
    }

    /** A subcommand as {@code sysmem --help} lists it, without its options: it never runs. */
    private static CommandSpec listed(SysmemCommand command) {
        CommandSpec spec = CommandSpec.create().name(command.name());
        spec.usageMessage().description(command.description());
        return spec;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of "
                + String.join(", ", spec.commandLine().getSubcommands().keySet()));
    }
}
