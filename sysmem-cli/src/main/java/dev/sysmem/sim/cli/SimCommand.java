package dev.sysmem.sim.cli;

import dev.sysmem.cli.SysmemCommand;
import picocli.CommandLine;

/** {@code sysmem sim}: the device simulator's commands ({@link SysmemSim}) under the launcher. */
public final class SimCommand implements SysmemCommand {

    /** Made by {@link java.util.ServiceLoader} for the launcher. */
    public SimCommand() {
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public CommandLine commandLine() {
        return SysmemSim.commandLine("sim");
    }

    @Override
    public String description() {
        return SysmemSim.DESCRIPTION;
    }
}
