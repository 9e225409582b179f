package dev.sysmem.sim.cli;

import dev.sysmem.cli.Sysmem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code sysmem sim}: {@code list} shows the device kinds, {@code run <kind>}
 * runs one in the foreground over a shared file for a driver in another process or a QEMU guest,
 * {@code serve} is the ivshmem server for QEMU's {@code ivshmem-doorbell}
 * ({@link IvshmemServeCommand}), {@code serve vhost-user-blk} serves a RAM disk to QEMU's
 * {@code vhost-user-blk-pci} ({@link VhostUserBlkServeCommand}), {@code clean} removes device files
 * whose device process died ({@link CleanCommand}); {@code run --create} takes such a file over by
 * itself.
 *
 * <p>Exit codes are {@link dev.sysmem.cli.ExitCode}'s: 0 success, 1 the device failed or could
 * not be started (a file that exists with {@code --create}, a missing file or directory without
 * it, a file too small), 2 a usage error (unknown command or kind, bad option value). Errors are
 * one or two lines on stderr naming what was wrong; a failed device also prints its stack trace
 * and, with {@code --trace N}, its last accesses.
 *
 * <pre>
 * sysmem sim list
 * sysmem sim run mailbox --file /dev/shm/mbox --create              # until Ctrl-C
 * sysmem sim run mailbox --file /dev/shm/mbox --create --duration 30s --trace 64
 * </pre>
 */
@Command(description = SysmemSim.DESCRIPTION, synopsisSubcommandLabel = "COMMAND")
public final class SysmemSim implements Runnable {

    /** What {@code sim} does, in one line: its help and the launcher's list of commands show it. */
    static final String DESCRIPTION = "Simulated devices over shared memory, for drivers in other processes and QEMU guests.";

    /** The {@code sim} command; {@link SimCommand} registers it with the launcher. */
    public SysmemSim() {
    }

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Runs {@code sysmem sim ARGS} and exits with its exit code (the launcher with only this command). */
    public static void main(String[] args) {
        List<String> argv = new ArrayList<>(List.of("sim"));
        argv.addAll(List.of(args));
        String[] launcherArgs = argv.toArray(String[]::new);
        System.exit(Sysmem.commandLine(List.of(new SimCommand()), launcherArgs).execute(launcherArgs));
    }

    /** The {@code sim} command with its subcommands, named {@code name}; the launcher configures error handling. */
    static CommandLine commandLine(String name) {
        CommandLine cli = new CommandLine(new SysmemSim());
        cli.setCommandName(name);
        // The command table; a command of another package is registered here with one line.
        cli.addSubcommand("list", new ListCommand());
        cli.addSubcommand("run", RunCommand.create());
        cli.addSubcommand("serve", new CommandLine(new IvshmemServeCommand())
                .addSubcommand("vhost-user-blk", new VhostUserBlkServeCommand()));
        cli.addSubcommand("clean", new CleanCommand());
        return cli;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list, run, serve or clean");
    }
}
