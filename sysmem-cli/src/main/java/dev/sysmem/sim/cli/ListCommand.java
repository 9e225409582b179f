package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.DeviceKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;

/** {@code list}: one line per device kind of {@link DeviceKinds}: its name, its default file size, what it is. */
@Command(name = "list", description = "List the device kinds that 'run' starts, one per line.")
final class ListCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<DeviceKind> kinds = DeviceKinds.all();
        int width = kinds.stream().mapToInt(k -> k.name().length()).max().orElse(0);
        for (DeviceKind kind : kinds) {
            out.printf("%-" + width + "s  %s%n", kind.name(), kind.description());
        }
        out.flush();
    }
}
