package dev.sysmem.stress.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The machine and software a run was on, as the report header states them.
 *
 * <p>{@code SuiteRun} records the machine next to the results ({@value #FILE}) when the run ends,
 * so that a report made later or elsewhere, or a merge of runs from several machines, states each
 * run's own CPU and CPU count. Without that file the CPU is read where the report runs. The JVM
 * comes from the properties jcstress recorded with the results.
 *
 * @param cpu         the CPU model ({@code model name} in {@code /proc/cpuinfo}), or the architecture
 * @param arch        the architecture ({@code os.arch}) of the machine the run was on
 * @param cores       the CPUs available to the JVM
 * @param jcstressCpus the CPUs jcstress ran with ({@code -c}); tests with more actors cannot have run
 * @param jvm         the JVM's name, version and vendor
 * @param os          the operating system and its version
 * @param jcstress    the jcstress version on the classpath
 * @param options     the jcstress options of the run, as given; empty when unknown
 * @param seconds     how long jcstress ran, in seconds; -1 when unknown
 */
public record Machine(String cpu, String arch, int cores, int jcstressCpus, String jvm, String os, String jcstress,
                      String options, long seconds) {

    /** The file in a results directory that records the machine of the run. */
    public static final String FILE = "sysmem-run.properties";

    /**
     * The machine of the run whose results are in {@code results}: the one recorded there, else
     * this machine, with the JVM and OS jcstress recorded in {@code environment} where present.
     *
     * @param cpusOverride the {@code -c} to assume when nothing was recorded; 0 for all CPUs
     */
    public static Machine of(Path results, Map<String, String> environment, int cpusOverride) throws IOException {
        Path file = results.resolve(FILE);
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            }
            int cores = Integer.parseInt(p.getProperty("cores", "0"));
            return new Machine(p.getProperty("cpu", "?"), p.getProperty("arch", "?"), cores,
                    cpusOverride > 0 ? cpusOverride : Integer.parseInt(p.getProperty("jcstressCpus", Integer.toString(cores))),
                    jvm(environment), os(environment), p.getProperty("jcstress", jcstressVersion()),
                    withoutResultsDirectory(p.getProperty("options", "")), Long.parseLong(p.getProperty("seconds", "-1")));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return new Machine(cpuModel(), System.getProperty("os.arch"), cores, cpusOverride > 0 ? cpusOverride : cores,
                jvm(environment), os(environment), jcstressVersion(), "", -1);
    }

    /**
     * The test filter the run in {@code results} recorded ({@code SuiteRun} records jcstress's
     * {@code -t}), so that a report made again later, with sections added, grades the same
     * selection; empty when the directory records none.
     */
    public static Optional<String> recordedTests(Path results) throws IOException {
        Path file = results.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return Optional.ofNullable(p.getProperty("tests"));
    }

    /**
     * Records this machine, the {@code -c}, the options and the test filter of a run that took
     * {@code seconds}, in {@code results}.
     */
    public static void record(Path results, int jcstressCpus, String options, String tests, long seconds) throws IOException {
        Properties p = new Properties();
        p.setProperty("cpu", cpuModel());
        p.setProperty("arch", System.getProperty("os.arch"));
        p.setProperty("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        p.setProperty("jcstressCpus", Integer.toString(jcstressCpus));
        p.setProperty("jcstress", jcstressVersion());
        p.setProperty("options", withoutResultsDirectory(options));
        p.setProperty("tests", tests);
        p.setProperty("seconds", Long.toString(seconds));
        try (Writer out = Files.newBufferedWriter(results.resolve(FILE))) {
            p.store(out, "the machine of a sysmem claims run (written by SuiteRun)");
        }
    }

    /**
     * The options without jcstress's {@code -r DIR}: the results directory is the one this record
     * lives in, and its path belongs to the machine that ran it, not to a report that is read (or
     * merged, or committed) elsewhere.
     */
    static String withoutResultsDirectory(String options) {
        return options.replaceAll("(^|\\s)-r\\s+\\S+", "").strip();
    }

    private static String jvm(Map<String, String> environment) {
        return property(environment, "java.vm.name") + " " + property(environment, "java.vm.version") + " ("
                + property(environment, "java.vm.vendor") + ")";
    }

    private static String os(Map<String, String> environment) {
        return property(environment, "os.name") + " " + property(environment, "os.version") + " "
                + property(environment, "os.arch");
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
            // Not Linux (or an aarch64 kernel, which names no model): the architecture is the best description left.
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
