package dev.sysmem.bench.cputime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.report.CpuModel;
import dev.sysmem.io.AccessMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * The access-cost measurement that holds on a shared machine: thread CPU time, contenders
 * interleaved in short slices, many rounds, several JVMs (see {@link CpuTimeFork} for why). Runs
 * the forks one after another, each configuration once per fork round, then writes every raw
 * round to {@code <out>/<date>-<name>.json} and the ratio table ({@link CpuTimeTable}) to
 * {@code .md} beside it.
 *
 * <p>Configurations of the {@code access} set: {@code clean MODE}, one JVM per access mode, in
 * which SysMem is only ever used in that mode (the profile a benchmark fork gives it), and
 * {@code mixed}, in which every mode's contenders run side by side from the first warm-up round
 * (the profile a real driver gives it: OPAQUE registers, a RELEASE doorbell). The {@code mapped}
 * set has {@code file MODE} (SysMem on a mapped {@code /dev/shm} file, guarded) and {@code memfd
 * MODE} (SysMem on a sealed memfd), each against the raw handle on the same mapping.
 *
 * <p><b>Guarantees.</b> Every fork has a deadline ({@code --fork-timeout-s}); a fork that fails or
 * overruns stops the run with its exit status, and nothing is written for a partial run. Only one
 * thread measures at a time, so the run holds one core, not both.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.cputime.CpuTimeRun --set access --name cpu-access
 * }</pre>
 */
@Command(name = "CpuTimeRun", mixinStandardHelpOptions = true,
        description = "Access cost in thread CPU time, contenders interleaved, over several JVMs.")
public final class CpuTimeRun implements Callable<Integer> {

    /** The flags of every fork: those of the JMH forks, so both measurements run the same JVM. */

    @Option(names = "--set", defaultValue = "access", description = "access, mapped, hooks or views (default: ${DEFAULT-VALUE})")
    private String set;

    @Option(names = "--name", defaultValue = "cpu", description = "name in the result files (default: ${DEFAULT-VALUE})")
    private String name;

    @Option(names = "--forks", defaultValue = "3", description = "JVMs per configuration (default: ${DEFAULT-VALUE})")
    private int forks;

    @Option(names = "--rounds", defaultValue = "150", description = "measured rounds per JVM (default: ${DEFAULT-VALUE})")
    private int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "100",
            description = "rounds run and discarded first, calibrating each slice (default: ${DEFAULT-VALUE})")
    private int warmupRounds;

    @Option(names = "--slice-us", defaultValue = "1000", description = "one contender's slice, µs (default: ${DEFAULT-VALUE})")
    private long sliceMicros;

    @Option(names = "--only", description = "run only these configurations, e.g. 'mixed' (default: all of the set)")
    private List<String> only;

    @Option(names = "--out", defaultValue = "results", description = "directory of the result files (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(names = "--fork-timeout-s", defaultValue = "600", description = "deadline of one fork (default: ${DEFAULT-VALUE})")
    private long forkTimeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CpuTimeRun()).execute(args));
    }

    /** A configuration: its name and what a fork of it gets as {@code --set} and {@code --modes}. */
    record Config(String name, String set, List<AccessMode> modes) {
    }

    static List<Config> configs(String set) {
        List<AccessMode> all = Arrays.asList(AccessMode.values());
        return switch (set) {
            case "access" -> {
                List<Config> configs = new ArrayList<>();
                all.forEach(m -> configs.add(new Config("clean " + m, "access", List.of(m))));
                configs.add(new Config("mixed", "access", all));
                yield configs;
            }
            case "mapped" -> List.of(
                    new Config("file OPAQUE", "mapped-file", List.of(AccessMode.OPAQUE)),
                    new Config("file ACQUIRE_RELEASE", "mapped-file", List.of(AccessMode.ACQUIRE_RELEASE)),
                    new Config("memfd OPAQUE", "mapped-memfd", List.of(AccessMode.OPAQUE)),
                    new Config("memfd ACQUIRE_RELEASE", "mapped-memfd", List.of(AccessMode.ACQUIRE_RELEASE)));
            // The explorer's hooks on the unexplored path (HookKernels); the mode is not used there.
            case "hooks" -> List.of(new Config("hooks", "hooks", List.of(AccessMode.OPAQUE)));
            // One call site seeing 1, 2, 3, 8 views (ViewCountKernels); one JVM per count, as a
            // loop's type profile is shared by every instance of its class.
            case "views" -> ViewCountKernels.COUNTS.stream()
                    .map(n -> new Config("views " + n, "views-" + n, List.of(AccessMode.OPAQUE))).toList();
            default -> throw new CommandLine.ParameterException(new CommandLine(new CpuTimeRun()),
                    "--set must be access, mapped, hooks or views, was '" + set + "'");
        };
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--name '" + name + "' must be usable in a file name: letters, digits, . _ -");
        }
        List<Config> configs = configs(set).stream()
                .filter(c -> only == null || only.stream().anyMatch(o -> c.name().equals(o) || CpuTimeTable.group(c.name()).equals(o)))
                .toList();
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("--only " + only + " selects no configuration of set " + set);
        }
        LocalDateTime started = LocalDateTime.now();
        Path scratch = Files.createTempDirectory("sysmem-cputime-");
        List<ForkResult> results = new ArrayList<>();
        try {
            for (int fork = 1; fork <= forks; fork++) {
                for (Config config : configs) {
                    Path result = scratch.resolve("fork-" + fork + "-" + config.name().replace(' ', '-') + ".json");
                    List<String> forkArgs = List.of("--set", config.set(), "--config", config.name(), "--fork", String.valueOf(fork),
                            "--modes", config.modes().stream().map(Enum::name).collect(Collectors.joining(",")),
                            "--rounds", String.valueOf(rounds), "--warmup-rounds", String.valueOf(warmupRounds),
                            "--slice-us", String.valueOf(sliceMicros), "--out", result.toString());
                    System.out.printf("fork %d/%d, %s; load %.2f%n", fork, forks, config.name(), CpuTimeFork.loadAverage());
                    BenchJvm.run("fork " + fork + " of '" + config.name() + "'", CpuTimeFork.class, forkArgs,
                            Duration.ofSeconds(forkTimeoutSeconds));
                    results.add(new ObjectMapper().readValue(result.toFile(), ForkResult.class));
                }
            }
        } finally {
            BenchJvm.deleteScratch(scratch);
        }
        CpuTimeRunResult run = new CpuTimeRunResult(name, set, started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                machine(), BenchJvm.FLAGS, results);
        Files.createDirectories(out);
        Path json = out.resolve(LocalDate.now() + "-" + name + ".json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), run);
        String table = new CpuTimeTable(run).markdown();
        Path md = out.resolve(LocalDate.now() + "-" + name + ".md");
        Files.writeString(md, table);
        System.out.println(table);
        System.out.println("Wrote " + json + " and " + md);
        return 0;
    }

    private static String machine() {
        return CpuModel.describe() + ", " + Runtime.getRuntime().availableProcessors() + " cores available";
    }
}
