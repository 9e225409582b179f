package dev.sysmem.bench.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads {@code sample-run.json}, the JSON {@link BenchmarkRun} wrote for a real two-round run of
 * five access benchmarks (SysMem, raw VarHandle and Agrona, 32-bit opaque and 8-bit acquire
 * reads), and checks the table against figures computed here from the same raw scores.
 */
class RatioTableTest {

    private static String json;
    private static List<Measurement> results;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = RatioTableTest.class.getResourceAsStream("sample-run.json")) {
            json = new String(Objects.requireNonNull(in, "sample-run.json").readAllBytes(), StandardCharsets.UTF_8);
        }
        results = Measurement.parseAll(json);
    }

    private static Measurement result(String benchmark) {
        return results.stream().filter(m -> m.benchmark().endsWith(benchmark)).findFirst().orElseThrow();
    }

    private static double medianOf(Measurement m) {
        double[] all = m.forks().stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        return all.length % 2 == 1 ? all[all.length / 2] : (all[all.length / 2 - 1] + all[all.length / 2]) / 2;
    }

    @Test
    void readsEveryResultWithItsForksAndIterations() {
        assertThat(results).hasSize(5);
        assertThat(results).allSatisfy(m -> {
            assertThat(m.mode()).isEqualTo("avgt");
            assertThat(m.unit()).isEqualTo("ns/op");
            assertThat(m.forks()).hasSize(2).allSatisfy(fork -> assertThat(fork).hasSize(5));
            assertThat(m.jdkVersion()).startsWith("25");
        });
        Measurement sysmem = result("SysMemAccess.read32Opaque");
        assertThat(sysmem.className()).isEqualTo("SysMemAccess");
        assertThat(sysmem.method()).isEqualTo("read32Opaque");
        assertThat(sysmem.higherIsBetter()).isFalse();
    }

    @Test
    void ratioIsTheRatioOfMediansOfTheRawScores() {
        RatioTable table = new RatioTable(results);
        RatioTable.Family access = RatioTable.FAMILIES.getFirst();
        List<List<RatioTable.Cell>> rows = table.cells(access);

        assertThat(rows).hasSize(2);
        List<RatioTable.Cell> u8 = rows.get(0);
        List<RatioTable.Cell> u32 = rows.get(1);
        assertThat(u8.getFirst().row()).isEqualTo("u8 acquire read");
        assertThat(u32.getFirst().row()).isEqualTo("u32 opaque read");

        double expected = medianOf(result("SysMemAccess.read32Opaque")) / medianOf(result("VarHandleAccess.read32Opaque"));
        Bootstrap.Ratio floor = u32.get(0).ratio().orElseThrow();
        assertThat(floor.value()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(floor.low()).isLessThanOrEqualTo(floor.value());
        assertThat(floor.high()).isGreaterThanOrEqualTo(floor.value());
        assertThat(u32.get(0).met()).contains(expected <= 1.05);

        double agrona = medianOf(result("SysMemAccess.read32Opaque")) / medianOf(result("AgronaAccess.read32Opaque"));
        assertThat(u32.get(1).ratio().orElseThrow().value()).isCloseTo(agrona, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aContenderWithoutTheAccessIsNotApplicable() {
        List<RatioTable.Cell> u8 = new RatioTable(results).cells(RatioTable.FAMILIES.getFirst()).get(0);
        RatioTable.Cell agrona = u8.get(1);
        assertThat(agrona.column().className()).isEqualTo("AgronaAccess");
        assertThat(agrona.ratio()).isEmpty();
        assertThat(agrona.met()).isEmpty();
        assertThat(agrona.render()).isEqualTo("n/a");
    }

    @Test
    void markdownNamesEveryRowAndVerdictAndIsReproducible() {
        String first = new RatioTable(results).markdown(List.of("## header"));
        String again = new RatioTable(Measurement.parseAll(json)).markdown(List.of("## header"));
        assertThat(first).isEqualTo(again);
        assertThat(first).startsWith("## header\n")
                .contains("| u8 acquire read |", "| u32 opaque read |", "n/a", "(bar ≤ 1.05)", "(bar ≤ 1.00)")
                .contains("SysMem / raw VarHandle (floor) ≤ 1.05: met in")
                .doesNotContain("Register read-modify-write");
    }

    @Test
    void bestIterationRatioComparesTheFastestIterations() {
        RatioTable.Family family = new RatioTable.Family("best", "SysMemAccess", java.util.regex.Pattern.compile("read32Opaque"),
                "SysMem", Measurement::method, java.util.Comparator.comparing(Measurement::method),
                List.of(RatioTable.Column.same("floor", "VarHandleAccess", RatioTable.Bar.atMost(1.05)))).withBest();
        RatioTable.Cell cell = new RatioTable(results, List.of(family), java.util.Optional.empty()).cells(family).getFirst().getFirst();
        double fastestSysMem = Arrays.stream(result("SysMemAccess.read32Opaque").pooled()).min().orElseThrow();
        double fastestFloor = Arrays.stream(result("VarHandleAccess.read32Opaque").pooled()).min().orElseThrow();
        assertThat(cell.best().orElseThrow()).isCloseTo(fastestSysMem / fastestFloor, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(cell.render()).contains("; best ");
        assertThat(new RatioTable(results).cells(RatioTable.FAMILIES.getFirst()).getFirst().getFirst().best()).isEmpty();
    }

    @Test
    void perRoundRatiosPairTheForksRunInTheSameRound() {
        RatioTable.Family family = new RatioTable.Family("rounds", "SysMemAccess", java.util.regex.Pattern.compile("read32Opaque"),
                "SysMem", Measurement::method, java.util.Comparator.comparing(Measurement::method),
                List.of(RatioTable.Column.same("floor", "VarHandleAccess", RatioTable.Bar.atMost(1.05)))).withBest();
        RatioTable.Cell cell = new RatioTable(results, List.of(family), java.util.Optional.empty()).cells(family).getFirst().getFirst();
        Measurement sysmem = result("SysMemAccess.read32Opaque");
        Measurement floor = result("VarHandleAccess.read32Opaque");
        double[] perRound = new double[2];
        for (int i = 0; i < 2; i++) {
            perRound[i] = forkMedian(sysmem.forks().get(i)) / forkMedian(floor.forks().get(i));
        }
        Arrays.sort(perRound);
        RatioTable.RoundRatios rounds = cell.rounds().orElseThrow();
        org.assertj.core.data.Offset<Double> exact = org.assertj.core.data.Offset.offset(1e-12);
        assertThat(rounds.count()).isEqualTo(2);
        assertThat(rounds.median()).isCloseTo((perRound[0] + perRound[1]) / 2, exact);
        assertThat(rounds.p10()).isCloseTo(perRound[0] + 0.1 * (perRound[1] - perRound[0]), exact);
        assertThat(rounds.p90()).isCloseTo(perRound[0] + 0.9 * (perRound[1] - perRound[0]), exact);
        assertThat(cell.render()).contains("; per round ").contains("2 rounds");
        assertThat(Quantile.ofSorted(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.1)).isEqualTo(2.0);
        assertThat(new RatioTable(results).cells(RatioTable.FAMILIES.getFirst()).getFirst().getFirst().rounds())
                .as("one-thread families show no per-round ratio").isEmpty();
    }

    private static double forkMedian(double[] scores) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    @Test
    void twoThreadRowsOfAnOlderRunFlagForksThatStartedAboveTheLoadThreshold() {
        RatioTable.Family family = twoThreadFamily();
        String benchmark = result("SysMemAccess.read32Opaque").benchmark();
        java.util.function.Function<List<Double>, String> render = loads -> new RatioTable(results, List.of(family),
                java.util.Optional.of(new ForkLoad.Run(2.0, 0, List.of(new ForkLoad(benchmark, java.util.Map.of(), loads,
                        null, null))))).markdown(List.of());

        assertThat(render.apply(List.of(1.0, 3.5))).contains("load 1.00-3.50 ⚠ 1/2 forks above 2.00");
        assertThat(render.apply(List.of(1.0, 1.5))).contains("load 1.00-1.50 |").doesNotContain("forks above");
    }

    @Test
    void twoThreadRowsFlagForksDuringWhichOthersUsedTheMachineWhateverTheLoadAverage() {
        RatioTable.Family family = twoThreadFamily();
        String benchmark = result("SysMemAccess.read32Opaque").benchmark();
        java.util.function.BiFunction<List<Double>, List<Double>, String> render = (others, steal) -> new RatioTable(results,
                List.of(family), java.util.Optional.of(new ForkLoad.Run(2.0, 0.25, List.of(new ForkLoad(benchmark,
                        java.util.Map.of(), List.of(2.1, 2.3), others, steal))))).markdown(List.of());

        // A load average above the core count is the benchmark's own threads: no flag while others were idle.
        assertThat(render.apply(List.of(0.02, 0.05), List.of(0.0, 0.01)))
                .contains("load 2.10-2.30, others 0.02-0.06 CPUs |").doesNotContain("forks above");
        // Other processes, or steal, or both together above the threshold flag the fork.
        assertThat(render.apply(List.of(0.02, 0.60), List.of(0.0, 0.0))).contains("others 0.02-0.60 CPUs ⚠ 1/2 forks above 0.25");
        assertThat(render.apply(List.of(0.02, 0.05), List.of(0.3, 0.0))).contains("⚠ 1/2 forks above 0.25");
        assertThat(render.apply(List.of(0.15, 0.02), List.of(0.15, 0.0))).contains("⚠ 1/2 forks above 0.25");
    }

    private static RatioTable.Family twoThreadFamily() {
        return new RatioTable.Family("two-thread", "SysMemAccess", java.util.regex.Pattern.compile("read32Opaque"),
                "SysMem", Measurement::method, java.util.Comparator.comparing(Measurement::method),
                List.of(RatioTable.Column.same("floor", "VarHandleAccess", RatioTable.Bar.atMost(1.05)))).withBest();
    }

    @Test
    void aRewrittenTableKeepsTheRunHeader() {
        List<String> header = List.of("## Benchmark run `sample`", "", "- CPU: x", "- Raw results: `sample-run.json`");
        List<String> lines = new RatioTable(results).markdown(header).lines().toList();
        assertThat(RatioTable.runHeader(lines)).isEqualTo(header);
        assertThatThrownBy(() -> RatioTable.runHeader(List.of("no header")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Raw results");
    }

    @Test
    void throughputBarsAreLowerLimits() {
        RatioTable.Bar bar = RatioTable.Bar.atLeast(1.0);
        assertThat(bar.metBy(1.2)).isTrue();
        assertThat(bar.metBy(0.8)).isFalse();
        assertThat(bar).hasToString("≥ 1.00");
        assertThat(RatioTable.Bar.NONE.exists()).isFalse();
    }

    @Test
    void malformedJsonIsRefusedWithThePosition() {
        assertThatThrownBy(() -> Measurement.parseAll("[{\"benchmark\": }]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1, column 16");
        assertThatThrownBy(() -> Measurement.parseAll("{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an array");
        assertThatThrownBy(() -> Measurement.parseAll(json.replace("\"rawData\"", "\"raw\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rawData");
    }
}
