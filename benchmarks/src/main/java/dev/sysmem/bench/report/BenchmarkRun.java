package dev.sysmem.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a chosen set of benchmarks and writes their JMH JSON and ratio table to
 * {@code results/<date>-<name>.json} and {@code .md}, printing the table.
 *
 * <p>Benchmarks run in rounds: each round forks every selected benchmark once, contenders of the
 * same access next to each other (ordered by method, then class). On a machine other work shares,
 * the load drifts over minutes; interleaving puts each contender's forks under the same drift, so
 * the ratios compare like with like, where JMH's own order (all forks of one benchmark, then the
 * next) would let a load change between two contenders decide the ratio. Forks of one benchmark
 * are then merged into one JMH result, as if JMH had run them.
 *
 * <p><b>Load.</b> Around every fork the run measures what the rest of the machine used while it
 * ran ({@link MachineShare}: other processes' CPU time and the hypervisor's steal, in CPUs) and
 * keeps it, with the 1-minute load average read before the fork, beside the JSON
 * ({@code <date>-<name>.load.json}). The table flags every row with a fork during which others used
 * more than {@code --max-others} CPUs (default 0.25: a quarter of one core, beyond which a
 * two-thread benchmark's threads on this 2-core machine could not count on running at once). The
 * load average is not the gauge: a two-thread benchmark's own threads raise it to about 2 for the
 * forks after it. With {@code --refuse-loaded}, a fork waits until others have used at most
 * {@code --max-others} over a 2 s window, up to {@code --load-wait-s} seconds, and the run fails if
 * they do not; a fork that was loaded all the same is still flagged.
 *
 * <p><b>Guarantees.</b> A benchmark that fails stops the run with its error (nothing is written
 * for a partial run); warm-up and measurement are those annotated on each benchmark class.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.report.BenchmarkRun \
 *     --include 'access\..*32' --name access32 --rounds 3 --out benchmarks/results [--max-others 0.25 --refuse-loaded true]
 * }</pre>
 */
public final class BenchmarkRun {

    /** The default exclude pattern: matches no benchmark name. */
    private static final String NOTHING = "^$";

    private final String include;
    private final String exclude;
    private final String name;
    private final int rounds;
    private final Path out;
    private final double maxLoad;
    private final double maxOthers;
    private final boolean refuseLoaded;
    private final long loadWaitSeconds;

    private BenchmarkRun(String include, String exclude, String name, int rounds, Path out, double maxLoad,
                         double maxOthers, boolean refuseLoaded, long loadWaitSeconds) {
        this.include = include;
        this.exclude = exclude;
        this.name = name;
        this.rounds = rounds;
        this.out = out;
        this.maxLoad = maxLoad;
        this.maxOthers = maxOthers;
        this.refuseLoaded = refuseLoaded;
        this.loadWaitSeconds = loadWaitSeconds;
    }

    /**
     * {@code --include REGEX --exclude REGEX --name NAME --rounds N --out DIR --max-others C
     * [--refuse-loaded true] --load-wait-s S --max-load L}; see the class comment ({@code --max-load}
     * is the load-average threshold kept for tables of runs made before the share was measured).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--include", ".*", "--exclude", NOTHING, "--name", "run",
                "--rounds", "3", "--out", "results", "--max-load", String.valueOf(Runtime.getRuntime().availableProcessors()),
                "--max-others", "0.25", "--refuse-loaded", "false", "--load-wait-s", "300"));
        for (int i = 0; i < args.length; i += 2) {
            if (!options.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: BenchmarkRun [--include REGEX] [--exclude REGEX] [--name NAME] [--rounds N] [--out DIR]"
                        + " [--max-others CPUS] [--refuse-loaded true|false] [--load-wait-s S] [--max-load L]; got " + String.join(" ", args));
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        String name = options.get("--name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--name '" + name + "' must be usable in a file name: letters, digits, . _ -");
        }
        int rounds = Integer.parseInt(options.get("--rounds"));
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
        }
        new BenchmarkRun(options.get("--include"), options.get("--exclude"), name, rounds,
                Path.of(options.get("--out")), Double.parseDouble(options.get("--max-load")),
                Double.parseDouble(options.get("--max-others")), Boolean.parseBoolean(options.get("--refuse-loaded")), Long.parseLong(options.get("--load-wait-s"))).run();
    }

    private void run() throws RunnerException, IOException {
        String loadBefore = loadAverage();
        LocalDateTime start = LocalDateTime.now();
        List<BenchmarkListEntry> selected = select();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no benchmark matches --include '" + include + "'");
        }
        System.out.printf("%d benchmarks x %d rounds, include '%s'; load average %s%n", selected.size(), rounds, include,
                loadBefore);

        Map<String, List<RunResult>> forks = new LinkedHashMap<>();
        Map<String, List<Double>> loads = new LinkedHashMap<>();
        Map<String, List<MachineShare.Share>> shares = new LinkedHashMap<>();
        int done = 0;
        for (int round = 1; round <= rounds; round++) {
            for (BenchmarkListEntry entry : selected) {
                Options one = new OptionsBuilder()
                        .include("^" + Pattern.quote(entry.getUsername()) + "$")
                        .forks(1)
                        // Forks get only the flags annotated on the benchmark, not this JVM's.
                        .jvmArgs()
                        .shouldFailOnError(true)
                        .verbosity(VerboseMode.SILENT)
                        .build();
                awaitQuiet(entry.getUsername());
                double load = loadAverageNow();
                MachineShare.Sample before = MachineShare.sample();
                Collection<RunResult> results = new Runner(one).run();
                MachineShare.Share share = MachineShare.between(before, MachineShare.sample());
                for (RunResult result : results) {
                    forks.computeIfAbsent(key(result.getParams()), k -> new ArrayList<>()).add(result);
                    loads.computeIfAbsent(key(result.getParams()), k -> new ArrayList<>()).add(load);
                    shares.computeIfAbsent(key(result.getParams()), k -> new ArrayList<>()).add(share);
                    done++;
                    System.out.printf("round %d/%d [%d forks done] load %.2f, others %.2f + steal %.2f CPUs%s %s%s: %s %s%n",
                            round, rounds, done, load, share.otherCpus(), share.stealCpus(),
                            share.total() > maxOthers ? " (above " + maxOthers + ")" : "",
                            shortName(entry.getUsername()), paramText(result.getParams()),
                            RatioTable.format(result.getPrimaryResult().getScore()),
                            result.getPrimaryResult().getScoreUnit());
                }
            }
        }
        List<RunResult> merged = forks.values().stream().map(BenchmarkRun::merge)
                .sorted(RunResult.DEFAULT_SORT_COMPARATOR).toList();

        Files.createDirectories(out);
        String stem = LocalDate.now() + "-" + name;
        Path json = out.resolve(stem + ".json");
        try (PrintStream stream = new PrintStream(Files.newOutputStream(json), false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, stream).writeOut(merged);
        }
        List<ForkLoad> forkLoads = new ArrayList<>();
        for (RunResult result : merged) {
            BenchmarkParams p = result.getParams();
            Map<String, String> params = new TreeMap<>();
            paramKeys(p).forEach(k -> params.put(k, p.getParam(k)));
            List<MachineShare.Share> measured = shares.get(key(p));
            forkLoads.add(new ForkLoad(p.getBenchmark(), params, loads.get(key(p)),
                    measured.stream().map(MachineShare.Share::otherCpus).toList(),
                    measured.stream().map(MachineShare.Share::stealCpus).toList()));
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(
                out.resolve(stem + ".load.json").toFile(), new ForkLoad.Run(maxLoad, maxOthers, forkLoads));
        Duration took = Duration.between(start, LocalDateTime.now());
        List<String> header = header(merged, start, took, loadBefore, loadAverage(), json.getFileName().toString());
        String table = RatioTable.read(json).markdown(header);
        Path md = out.resolve(stem + ".md");
        Files.writeString(md, table);
        System.out.println();
        System.out.println(table);
        System.out.println("Wrote " + json + " and " + md);
    }

    /**
     * With {@code --refuse-loaded}: waits until others have used at most {@code --max-others} CPUs
     * over a 2 s window, failing the run when {@code --load-wait-s} pass first. Otherwise returns
     * at once.
     */
    private void awaitQuiet(String benchmark) {
        if (!refuseLoaded) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(loadWaitSeconds);
        while (true) {
            MachineShare.Sample start = MachineShare.sample();
            sleep(2_000, benchmark);
            MachineShare.Share share = MachineShare.between(start, MachineShare.sample());
            if (share.total() <= maxOthers) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(String.format(Locale.ROOT, "refused to run %s: others used %.2f CPUs "
                        + "(processes %.2f, steal %.2f), above --max-others %.2f, for %d s", benchmark, share.total(),
                        share.otherCpus(), share.stealCpus(), maxOthers, loadWaitSeconds));
            }
            System.out.printf("others use %.2f CPUs, above %.2f; waiting before %s%n", share.total(), maxOthers,
                    shortName(benchmark));
        }
    }

    private static void sleep(long millis, String benchmark) {
        try {
            // Measuring the machine's quiet over a window: nothing to wait for but time.
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the machine to quieten before " + benchmark, e);
        }
    }

    static double loadAverageNow() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private List<BenchmarkListEntry> select() {
        var quiet = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        List<String> excludes = exclude.isBlank() || exclude.equals(NOTHING) ? List.of() : List.of(exclude);
        return BenchmarkList.defaultList().find(quiet, List.of(include), excludes).stream()
                .sorted(Comparator.comparing((BenchmarkListEntry e) -> method(e.getUsername()))
                        .thenComparing(BenchmarkListEntry::getUsername))
                .toList();
    }

    /** JMH's result for all forks of one benchmark, with {@code forks} set to how many there were. */
    private static RunResult merge(List<RunResult> rounds) {
        BenchmarkParams p = rounds.getFirst().getParams();
        List<BenchmarkResult> all = rounds.stream().flatMap(r -> r.getBenchmarkResults().stream()).toList();
        WorkloadParams workload = new WorkloadParams();
        int order = 0;
        for (String key : paramKeys(p)) {
            workload.put(key, p.getParam(key), order++);
        }
        BenchmarkParams merged = new BenchmarkParams(p.getBenchmark(), p.generatedBenchmark(), p.shouldSynchIterations(),
                p.getThreads(), p.getThreadGroups(), stringList(p.getThreadGroupLabels()), rounds.size(),
                p.getWarmupForks(), p.getWarmup(), p.getMeasurement(), p.getMode(), workload, p.getTimeUnit(),
                p.getOpsPerInvocation(), p.getJvm(), stringList(p.getJvmArgs()), p.getJdkVersion(), p.getVmName(),
                p.getVmVersion(), p.getJmhVersion(), p.getTimeout());
        return new RunResult(merged, all);
    }

    private static List<String> paramKeys(BenchmarkParams p) {
        return stringList(p.getParamsKeys());
    }

    private static List<String> stringList(Collection<?> values) {
        return values.stream().map(String::valueOf).toList();
    }

    private static String key(BenchmarkParams p) {
        return p.getBenchmark() + paramText(p);
    }

    private static String paramText(BenchmarkParams p) {
        List<String> keys = paramKeys(p);
        if (keys.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("(");
        for (String k : keys) {
            text.append(text.length() > 1 ? ", " : "").append(k).append('=').append(p.getParam(k));
        }
        return text.append(')').toString();
    }

    private static String method(String benchmark) {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static String shortName(String benchmark) {
        return benchmark.startsWith("dev.sysmem.bench.") ? benchmark.substring("dev.sysmem.bench.".length()) : benchmark;
    }

    private List<String> header(List<RunResult> results, LocalDateTime start, Duration took, String loadBefore,
                                String loadAfter, String jsonName) {
        BenchmarkParams p = results.getFirst().getParams();
        List<String> lines = new ArrayList<>();
        lines.add("## Benchmark run `" + name + "`, " + start.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
        lines.add("");
        lines.add("- CPU: " + CpuModel.describe() + ", " + Runtime.getRuntime().availableProcessors() + " cores available");
        lines.add("- JDK: " + p.getJdkVersion() + " (" + p.getVmName() + " " + p.getVmVersion() + "), JMH " + p.getJmhVersion());
        lines.add("- Fork flags: `" + String.join(" ", stringList(p.getJvmArgs())) + "`");
        lines.add("- Selection `" + include + "`" + (exclude.isBlank() || exclude.equals(NOTHING) ? "" : " except `" + exclude + "`") + ": " + results.size() + " benchmarks, " + rounds
                + " rounds (one fork of each per round, contenders interleaved), wall time "
                + took.toMinutes() + " min " + took.toSecondsPart() + " s");
        lines.add("- Load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAfter);
        lines.add("- Raw results: `" + jsonName + "` (JMH JSON)");
        return lines;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
