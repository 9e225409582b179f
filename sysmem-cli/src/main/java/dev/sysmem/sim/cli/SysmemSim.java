package dev.sysmem.sim.cli;

import dev.sysmem.cli.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;

/**
 * The {@code sysmem-sim} command line: {@code list} shows the device kinds, {@code run <kind>}
 * runs one in the foreground over a shared file for a driver in another process or a QEMU guest,
 * {@code serve} is the ivshmem server for QEMU's {@code ivshmem-doorbell}
 * ({@link IvshmemServeCommand}), {@code serve vhost-user-blk} serves a RAM disk to QEMU's
 * {@code vhost-user-blk-pci} ({@link VhostUserBlkServeCommand}), {@code clean} removes device files
 * whose device process died ({@link CleanCommand}); {@code run --create} takes such a file over by
 * itself.
 *
 * <p>Exit codes follow picocli: 0 success, 1 the device failed or could not be started (a file that
 * exists with {@code --create}, a missing file without it), 2 a usage error (unknown command or
 * kind, bad option value). Errors are one line on stderr naming what was wrong; a failed device
 * also prints its stack trace and, with {@code --trace N}, its last accesses.
 *
 * <pre>
 * sysmem-sim list
 * sysmem-sim run mailbox --file /dev/shm/mbox --create              # until Ctrl-C
 * sysmem-sim run mailbox --file /dev/shm/mbox --create --duration 30s --trace 64
 * </pre>
 * Through Maven (JDK 25 from the toolchain, whatever the default java):
 * {@code mvn -q -pl device-sim -am compile exec:exec@sysmem-sim -Dsim.args="list"}; see device-sim/README.md.
 */
@Command(name = "sysmem-sim", description = "Simulated devices over shared memory, for drivers in other processes "
        + "and QEMU guests.", synopsisSubcommandLabel = "COMMAND")
public final class SysmemSim implements Runnable {

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, ready to {@link CommandLine#execute}; set its streams before executing. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SysmemSim());
        // The command table; a command of another package is registered here with one line.
        cli.addSubcommand("list", new ListCommand());
        cli.addSubcommand("run", RunCommand.create());
        cli.addSubcommand("serve", new CommandLine(new IvshmemServeCommand())
                .addSubcommand("vhost-user-blk", new VhostUserBlkServeCommand()));
        cli.addSubcommand("clean", new CleanCommand());
        cli.setExecutionExceptionHandler(SysmemSim::report);
        return cli;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list, run, serve or clean");
    }

    /** Prints what went wrong as one line (with the stack trace only for unexpected errors); exit code 1. */
    private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (e instanceof FileSystemException f) {
            err.println("sysmem-sim: " + f.getFile() + ": " + (f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName().replace("Exception", "")));
        } else if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            err.println("sysmem-sim: " + e.getMessage());
        } else {
            err.println("sysmem-sim: unexpected error: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILED;
    }
}
