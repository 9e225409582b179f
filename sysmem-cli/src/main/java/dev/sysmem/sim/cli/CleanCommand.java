package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.DeviceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clean}: lists the device files in a directory ({@code /dev/shm} unless told otherwise) and
 * removes those whose owner process is provably dead ({@link DeviceFile#abandoned()}); a file whose
 * owner runs, or that names none, is listed and left alone. {@code --dry-run} only lists.
 */
@Command(name = "clean", description = "List device files and remove those whose device process is gone.")
final class CleanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "Where to look (default: ${DEFAULT-VALUE}); subdirectories are not searched.")
    Path directory;

    @Option(names = "--dry-run", description = "Only list; remove nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<DeviceFile> files = DeviceFile.list(directory);
        int removed = 0;
        for (DeviceFile f : files) {
            String action;
            if (!f.abandoned()) {
                action = "kept";
            } else if (dryRun) {
                action = "would remove";
            } else if (f.removeIfAbandoned()) {
                action = "removed";
                removed++;
            } else {
                action = "kept (taken over meanwhile)";
            }
            out.println(action + ": " + f.describe());
        }
        out.println(files.size() + " device file" + (files.size() == 1 ? "" : "s") + " in " + directory + ", "
                + removed + " removed");
        out.flush();
        return 0;
    }
}
