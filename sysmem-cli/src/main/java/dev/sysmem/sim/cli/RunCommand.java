package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.DeviceKinds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code run}: holds one subcommand per device kind ({@code run mailbox ...}), each with the
 * options every kind shares ({@link RunKindCommand}) and the kind's own.
 */
@Command(name = "run", description = {"Run a device in the foreground over a shared file, for a driver in another "
        + "process or a QEMU guest (ivshmem-plain), until interrupted (Ctrl-C, SIGTERM) or for --duration.",
        "Exit code: 0 when stopped, 1 when the device failed or could not start, 2 for a usage error."},
        synopsisSubcommandLabel = "KIND")
final class RunCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** The {@code run} command with a subcommand for every kind of {@link DeviceKinds}. */
    static CommandLine create() {
        CommandLine run = new CommandLine(new RunCommand());
        for (var kind : DeviceKinds.all()) {
            run.addSubcommand(kind.name(), RunKindCommand.spec(kind));
        }
        return run;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing device kind: run KIND, one of " + DeviceKinds.names());
    }
}
