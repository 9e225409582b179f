package dev.sysmem.litmus;

import dev.sysmem.cli.SysmemCommand;
import picocli.CommandLine;

/**
 * Contributes {@code sysmem litmus} to the {@code sysmem} launcher (found by
 * {@link java.util.ServiceLoader} through {@code META-INF/services/dev.sysmem.cli.SysmemCommand}).
 */
public final class LitmusSysmemCommand implements SysmemCommand {

    @Override
    public String name() {
        return "litmus";
    }

    @Override
    public CommandLine commandLine() {
        return LitmusCommand.commandLine();
    }

    @Override
    public String description() {
        return LitmusCommand.DESCRIPTION;
    }
}
