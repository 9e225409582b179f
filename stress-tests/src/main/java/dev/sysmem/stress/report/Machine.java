package dev.sysmem.stress.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The machine and software a run was on, as the report header states them.
 *
 * <p>The JVM comes from the properties jcstress recorded with the results; the CPU model and the
 * core count are read where the report runs, which is the machine the run was on when the report
 * is made right after it (as {@code SuiteRun} does).
 *
 * @param cpu      the CPU model ({@code model name} in {@code /proc/cpuinfo}), or the architecture
 * @param cores    the CPUs available to the JVM
 * @param jvm      the JVM's name, version and vendor
 * @param os       the operating system and its version
 * @param jcstress the jcstress version on the classpath
 */
public record Machine(String cpu, int cores, String jvm, String os, String jcstress) {

    /** This machine, with the JVM and OS jcstress recorded in {@code environment} where present. */
    public static Machine current(Map<String, String> environment) {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                property(environment, "java.vm.name") + " " + property(environment, "java.vm.version") + " ("
                        + property(environment, "java.vm.vendor") + ")",
                property(environment, "os.name") + " " + property(environment, "os.version") + " "
                        + property(environment, "os.arch"),
                jcstressVersion());
    }

    private static String property(Map<String, String> environment, String key) {
        String value = environment.get(key);
        return value != null ? value : System.getProperty(key, "?");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the architecture is the best description left.
        }
        return System.getProperty("os.arch");
    }

    private static String jcstressVersion() {
        try (InputStream in = Machine.class.getResourceAsStream(
                "/META-INF/maven/org.openjdk.jcstress/jcstress-core/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "?");
            }
        } catch (IOException e) {
            // Fall through: the version is only informative.
        }
        return "?";
    }
}
