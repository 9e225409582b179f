package dev.sysmem.bench.explore;

import dev.sysmem.explore.ExplorationResult;
import dev.sysmem.explore.ExploredTest;
import dev.sysmem.explore.Explorer;
import dev.sysmem.explore.Strategy;
import dev.sysmem.explore.races.KnownRace;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.spi.Scheduling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the race explorer costs and what it buys, as a plain program (the quantities are counts
 * and wall times to a first failure, not steady-state throughput, so JMH's harness does not fit):
 * <ol>
 *   <li>the scheduler's own cost: schedules per second for a two-thread test of 100 accesses in
 *       total, and the time of one hand-off between two managed threads;</li>
 *   <li>for every known race and strategy, schedules and wall time to the first failing
 *       schedule over several seeds (exhaustive: once, it has no seed);</li>
 *   <li>beside it, the same buggy test run on free-running threads (real threads, real time, plain
 *       memory, what a test does without the explorer) until it first fails, up to a run limit.</li>
 * </ol>
 * Run: {@code java -cp <benchmarks class path> dev.sysmem.bench.explore.ExplorerBenchmark [out.md]}.
 * It prints a Markdown report (and writes it to the file given), with the load average before and
 * after, since the machine is shared.
 */
public final class ExplorerBenchmark {

    private static final int SEEDS = 3;
    private static final int MAX_SCHEDULES = 3_000;
    private static final int FREE_RUNS = 300;
    private static final Duration FREE_RUN_DEADLINE = Duration.ofSeconds(10);

    private ExplorerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Race explorer: cost and time to first failure (").append(LocalDate.now()).append(")\n\n");
        out.append("JDK ").append(Runtime.version()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, load average before: ").append(loadAverage()).append("\n\n");
        schedulerCost(out);
        racesTable(out);
        out.append("\nLoad average after: ").append(loadAverage()).append('\n');
        System.out.println("----- report -----");
        System.out.print(out);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), out);
        }
    }

    // ---- scheduler cost -------------------------------------------------------------------------

    /** Two threads, 25 read-write pairs each on explored memory: 100 accesses per schedule. */
    private static final ExploredTest HUNDRED_ACCESSES = run -> {
        SysMem mem = run.memory("words", 64);
        for (int t = 0; t < 2; t++) {
            long offset = 8L * t;
            run.thread("t" + t, () -> {
                for (int i = 0; i < 25; i++) {
                    mem.write32(offset, mem.read32(offset) + 1);
                }
            });
        }
        run.joinAll();
    };

    /** Two threads that hand the turn to each other {@code rounds} times each, by blocking waits. */
    private static ExploredTest pingPong(int rounds) {
        return run -> {
            int[] turn = new int[1];
            for (int t = 0; t < 2; t++) {
                int me = t;
                run.thread("p" + t, () -> {
                    for (int i = 0; i < rounds; i++) {
                        Scheduling.await(() -> turn[0] == me, Long.MAX_VALUE, "my turn");
                        turn[0] = 1 - me;
                    }
                });
            }
            run.joinAll();
        };
    }

    private static void schedulerCost(StringBuilder out) {
        out.append("## Scheduler cost\n\n");
        Explorer.builder("warm-up").iterations(500).deadline(Duration.ofSeconds(60)).build().explore(HUNDRED_ACCESSES);
        out.append("| measurement | round 1 | round 2 | round 3 |\n|---|---|---|---|\n");
        StringBuilder perSecond = new StringBuilder("| schedules/s, 2 threads, 100 accesses, random |");
        StringBuilder handOff = new StringBuilder("| hand-off between two managed threads (µs) |");
        for (int round = 0; round < 3; round++) {
            int iterations = 500;
            ExplorationResult r = Explorer.builder("hundred-accesses").iterations(iterations).seed(round + 1)
                    .deadline(Duration.ofSeconds(120)).build().explore(HUNDRED_ACCESSES);
            perSecond.append(String.format(Locale.ROOT, " %.0f |", r.schedules() / seconds(r.elapsed())));
            int rounds = 2_000;
            ExplorationResult p = Explorer.builder("ping-pong").iterations(1).deadline(Duration.ofSeconds(120))
                    .build().explore(pingPong(rounds));
            handOff.append(String.format(Locale.ROOT, " %.2f |", seconds(p.elapsed()) * 1e6 / (2.0 * rounds)));
        }
        out.append(perSecond).append('\n').append(handOff).append("\n\n");
        System.out.print(out);
        System.out.flush();
    }

    // ---- time to first failure ------------------------------------------------------------------

    private static void racesTable(StringBuilder out) {
        out.append("## Schedules and wall time to the first failure\n\n");
        out.append("Explored: schedules up to and including the first failing one, shrinking off; median (min-max) over ")
                .append(SEEDS).append(" seeds, at most ").append(MAX_SCHEDULES)
                .append(" schedules each. Free-running: the buggy test run on real threads until it first fails, at most ")
                .append(FREE_RUNS).append(" runs.\n\n");
        out.append("| race | strategy | schedules to failure | wall time to failure (ms) | found |\n|---|---|---|---|---|\n");
        for (KnownRace race : KnownRace.all()) {
            for (Strategy strategy : Strategy.values()) {
                int seeds = strategy == Strategy.EXHAUSTIVE ? 1 : SEEDS;
                List<Integer> schedules = new ArrayList<>();
                List<Double> millis = new ArrayList<>();
                int found = 0;
                for (int seed = 1; seed <= seeds; seed++) {
                    ExplorationResult r = Explorer.builder(race.name()).strategy(strategy).seed(seed)
                            .iterations(MAX_SCHEDULES).preemptionBound(2).shrink(false)
                            .deadline(Duration.ofSeconds(120)).build().explore(race.buggy());
                    if (r.race().isPresent()) {
                        found++;
                        schedules.add(r.schedules());
                        millis.add(seconds(r.elapsed()) * 1000);
                    }
                }
                out.append("| ").append(race.name()).append(" | ").append(strategy.name().toLowerCase(Locale.ROOT))
                        .append(" | ").append(summary(schedules.stream().map(Integer::doubleValue).toList(), "%.0f"))
                        .append(" | ").append(summary(millis, "%.1f"))
                        .append(" | ").append(found).append('/').append(seeds).append(" |\n");
                System.out.println(race.name() + " " + strategy + ": " + schedules + " " + millis);
            }
            Explorer.FreeRunResult free = Explorer.freeRunning(race.buggy(), FREE_RUNS, FREE_RUN_DEADLINE);
            out.append("| ").append(race.name()).append(" | free-running threads | ")
                    .append(free.failure() == null ? "no failure in " + free.runs() + " runs" : free.runs() + " runs")
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", seconds(free.elapsed()) * 1000))
                    .append(" | ").append(free.failure() == null ? "0/1" : "1/1 (" + firstLine(free.failure()) + ")")
                    .append(" |\n");
        }
    }

    private static String summary(List<Double> values, String format) {
        if (values.isEmpty()) {
            return "-";
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = v[v.length / 2];
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, v[0], v[v.length - 1]);
    }

    private static String firstLine(Throwable t) {
        String s = t.toString();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String loadAverage() {
        try {
            return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).split(" ")).limit(3)
                    .reduce((a, b) -> a + " " + b).orElse("?");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
