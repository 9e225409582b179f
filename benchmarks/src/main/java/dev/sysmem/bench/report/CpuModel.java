package dev.sysmem.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The processor a result was measured on, as every results file names it. A virtual machine's
 * {@code model name} can be as vague as "AMD EPYC" across processor generations whose costs differ
 * severalfold (a full fence measured 2.0-2.4 ns on one such guest and 5.5 ns on another), so the
 * CPU family, model and stepping numbers from {@code /proc/cpuinfo} go beside it.
 */
public final class CpuModel {

    private CpuModel() {
    }

    /** "NAME (family F, model M, stepping S)", or the architecture when {@code /proc/cpuinfo} is unreadable. */
    public static String describe() {
        try {
            return describe(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException e) {
            return System.getProperty("os.arch") + " (model unknown: " + e.getMessage() + ")";
        }
    }

    /** The description from the lines of {@code /proc/cpuinfo}: its first processor's fields. */
    static String describe(List<String> cpuinfo) {
        String name = field(cpuinfo, "model name");
        String family = field(cpuinfo, "cpu family");
        String model = field(cpuinfo, "model");
        String stepping = field(cpuinfo, "stepping");
        String numbers = family == null ? "" : " (family " + family + ", model " + model + ", stepping " + stepping + ")";
        return (name == null ? System.getProperty("os.arch") : name) + numbers;
    }

    private static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
