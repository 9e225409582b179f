package dev.sysmem.bench.cputime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sysmem.bench.report.Quantile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ratio table of a {@link CpuTimeRun}: for each cell (width, mode, read or write, 16 accesses
 * or one) and each comparison, the median of the per-round ratios, the 10th and 90th percentiles
 * of those ratios beside it, and each fork's own median.
 *
 * <p>A ratio is taken within one round of one fork: the subject's slice and the reference's slice
 * ran within milliseconds of each other in the same JVM, so load drift and that JVM's compilation
 * decisions affect both. The per-fork medians show what the percentiles cannot: whether separate
 * JVMs (separate JIT decisions) agree.
 *
 * <p><b>Guarantees.</b> Every number is computed from the raw rounds in the run's JSON; the same
 * JSON renders the same table. A verdict is by the median; {@code †} marks one whose p10-p90
 * spread contains the bar.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.cputime.CpuTimeTable benchmarks/results/2026-12-02-cpu-access.json
 * }</pre>
 */
public final class CpuTimeTable {

    /**
     * Subject over reference, with the limit the ratio must not exceed (NaN: no bar).
     *
     * @param subject     the contender whose cost is judged
     * @param reference   the contender it is divided by
     * @param loopBar     the bar for the 16-access loops
     * @param singleBar   the bar for single accesses
     */
    record Comparison(String subject, String reference, double loopBar, double singleBar) {

        double bar(String cell) {
            return cell.endsWith("x16") ? loopBar : singleBar;
        }

        String heading() {
            return subject + " / " + reference + (Double.isNaN(loopBar) ? ""
                    : " (bar ≤ " + format(loopBar) + " loops, ≤ " + format(singleBar) + " single)");
        }
    }

    /**
     * The ratio statistics of one cell and comparison.
     *
     * @param median   median of all per-round ratios, over every fork
     * @param p10      10th percentile of them
     * @param p90      90th percentile
     * @param perFork  each fork's median ratio
     * @param rounds   how many rounds contributed
     */
    record Ratio(double median, double p10, double p90, double[] perFork, int rounds) {
    }

    static final List<Comparison> ACCESS = List.of(
            new Comparison("SysMem", "raw VarHandle", 1.05, 1.10),
            new Comparison(HeldSegmentKernels.CONTENDER, "raw VarHandle", Double.NaN, Double.NaN),
            new Comparison("SysMem", HeldSegmentKernels.CONTENDER, Double.NaN, Double.NaN),
            new Comparison(ConstantSegmentKernels.CONTENDER, "raw VarHandle", 1.05, 1.10),
            new Comparison(ConstantSegmentKernels.CONTENDER, "SysMem", Double.NaN, Double.NaN),
            new Comparison("raw VarHandle", "Agrona UnsafeBuffer", Double.NaN, Double.NaN),
            new Comparison("SysMem", "Agrona UnsafeBuffer", Double.NaN, Double.NaN));

    static final List<Comparison> MAPPED = List.of(
            new Comparison("SysMem, sealed memfd", "raw VarHandle", 1.25, 1.25),
            new Comparison(ConstantSegmentKernels.CONTENDER, "raw VarHandle", 1.25, 1.25),
            new Comparison("SysMem, guarded file", "raw VarHandle", Double.NaN, Double.NaN));

    /** The price of a class per view: one call site seeing several views (ViewCountKernels). */
    static final List<Comparison> VIEWS = List.of(
            new Comparison(ViewCountKernels.SYSMEM, ViewCountKernels.SLICES, Double.NaN, Double.NaN),
            new Comparison(ViewCountKernels.SYSMEM, ViewCountKernels.RAW, Double.NaN, Double.NaN),
            new Comparison(ViewCountKernels.SLICES, ViewCountKernels.RAW, Double.NaN, Double.NaN),
            new Comparison(ViewCountKernels.CONSTANT, ViewCountKernels.SYSMEM, Double.NaN, Double.NaN),
            new Comparison(ViewCountKernels.CONSTANT, ViewCountKernels.RAW, Double.NaN, Double.NaN));

    /** The explorer's hooks on the unexplored path: "costs nothing" is within the harness's resolution, 5%. */
    static final List<Comparison> HOOKS = List.of(new Comparison(HookKernels.HOOKED, HookKernels.WITHOUT, 1.05, 1.05),
            new Comparison(HookKernels.MMIO, HookKernels.SYSMEM, Double.NaN, Double.NaN));

    private static final List<String> MODE_ORDER = List.of("plain", "opaque", "acquire", "release", "volatile");

    private final CpuTimeRunResult run;

    CpuTimeTable(CpuTimeRunResult run) {
        this.run = run;
    }

    /** Prints the table of each run JSON named; {@code --rewrite} also rewrites the {@code .md} beside it. */
    public static void main(String[] args) throws IOException {
        boolean rewrite = args.length > 0 && args[0].equals("--rewrite");
        List<String> files = List.of(args).subList(rewrite ? 1 : 0, args.length);
        if (files.isEmpty()) {
            System.err.println("usage: CpuTimeTable [--rewrite] RUN.json...  (as CpuTimeRun writes it)");
            System.exit(2);
        }
        for (String file : files) {
            Path json = Path.of(file);
            String table = new CpuTimeTable(new ObjectMapper().readValue(json.toFile(), CpuTimeRunResult.class)).markdown();
            System.out.println(table);
            if (rewrite) {
                Path md = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
                Files.writeString(md, table);
                System.out.println("Rewrote " + md);
            }
        }
    }

    /** The configuration group a fork belongs to: {@code clean} for every {@code clean ...} configuration. */
    static String group(String config) {
        int space = config.indexOf(' ');
        return space < 0 ? config : config.substring(0, space);
    }

    /** The ratio of {@code c} in {@code cell} over the forks of {@code group}, if both contenders ran there. */
    Optional<Ratio> ratio(String group, String cell, Comparison c) {
        List<Double> all = new ArrayList<>();
        List<Double> forkMedians = new ArrayList<>();
        for (ForkResult fork : run.forks()) {
            if (!group(fork.config()).equals(group)) {
                continue;
            }
            Optional<double[]> subject = rounds(fork, c.subject(), cell);
            Optional<double[]> reference = rounds(fork, c.reference(), cell);
            if (subject.isEmpty() || reference.isEmpty()) {
                continue;
            }
            double[] s = subject.get();
            double[] r = reference.get();
            double[] ratios = new double[Math.min(s.length, r.length)];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = s[i] / r[i];
                all.add(ratios[i]);
            }
            forkMedians.add(Quantile.of(ratios, 0.5));
        }
        if (all.isEmpty()) {
            return Optional.empty();
        }
        double[] pooled = all.stream().mapToDouble(Double::doubleValue).toArray();
        return Optional.of(new Ratio(Quantile.of(pooled, 0.5), Quantile.of(pooled, 0.1), Quantile.of(pooled, 0.9),
                forkMedians.stream().mapToDouble(Double::doubleValue).toArray(), pooled.length));
    }

    /** The median CPU time per access of {@code contender} in {@code cell}, over the group's forks. */
    Optional<Double> medianNanos(String group, String contender, String cell) {
        double[] all = run.forks().stream().filter(f -> group(f.config()).equals(group))
                .flatMap(f -> rounds(f, contender, cell).stream()).flatMapToDouble(Arrays::stream).toArray();
        return all.length == 0 ? Optional.empty() : Optional.of(Quantile.of(all, 0.5));
    }

    /** Every contender's median time in {@code cell}, as {@code name: ns} lines. */
    private String nanos(String group, String cell) {
        Set<String> contenders = new LinkedHashSet<>();
        run.forks().stream().filter(f -> group(f.config()).equals(group))
                .forEach(f -> f.kernels().stream().filter(k -> k.cell().equals(cell)).forEach(k -> contenders.add(k.contender())));
        List<String> parts = new ArrayList<>();
        for (String contender : contenders) {
            medianNanos(group, contender, cell).ifPresent(ns -> parts.add(contender + ": " + format(ns)));
        }
        return String.join("<br>", parts);
    }

    private static Optional<double[]> rounds(ForkResult fork, String contender, String cell) {
        return fork.kernels().stream().filter(k -> k.contender().equals(contender) && k.cell().equals(cell))
                .map(ForkResult.KernelResult::nsPerAccess).findFirst();
    }

    private List<Comparison> comparisons() {
        return switch (run.set()) {
            case "mapped" -> MAPPED;
            case "hooks" -> HOOKS;
            case "views" -> VIEWS;
            default -> ACCESS;
        };
    }

    /** The whole table in Markdown, headed by how the run was made. */
    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("## CPU-time run `").append(run.name()).append("`, ").append(run.started()).append("\n\n");
        out.append("- Machine: ").append(run.machine()).append('\n');
        out.append("- JVM: ").append(run.forks().isEmpty() ? "none ran" : run.forks().getFirst().jvm()).append('\n');
        out.append("- Fork flags: `").append(String.join(" ", run.forkArgs())).append("`\n");
        Map<String, List<ForkResult>> byGroup = new LinkedHashMap<>();
        run.forks().forEach(f -> byGroup.computeIfAbsent(group(f.config()), g -> new ArrayList<>()).add(f));
        for (Map.Entry<String, List<ForkResult>> g : byGroup.entrySet()) {
            List<ForkResult> forks = g.getValue();
            Set<String> configs = new LinkedHashSet<>();
            forks.forEach(f -> configs.add(f.config()));
            int rounds = forks.getFirst().kernels().getFirst().nsPerAccess().length;
            out.append("- `").append(g.getKey()).append("`: ").append(forks.size()).append(" JVMs (")
                    .append(String.join(", ", configs)).append("), ").append(rounds).append(" rounds of ~")
                    .append(forks.getFirst().sliceMicros()).append(" µs slices each; 1-min load average from ")
                    .append(format(forks.stream().mapToDouble(f -> Math.min(f.loadBefore(), f.loadAfter())).min().orElse(Double.NaN)))
                    .append(" to ")
                    .append(format(forks.stream().mapToDouble(f -> Math.max(f.loadBefore(), f.loadAfter())).max().orElse(Double.NaN)))
                    .append('\n');
        }
        out.append("\nEach cell: median of the per-round ratios (subject slice / reference slice of the same round, ")
                .append("thread CPU time) [p10, p90 of those ratios] and the bar's verdict (by the median; † when the ")
                .append("p10-p90 spread contains the bar); below it, each JVM's own median.\n");
        for (String group : byGroup.keySet()) {
            List<String> cells = cells(byGroup.get(group));
            out.append("\n### ").append(groupTitle(group)).append("\n\n");
            out.append("| cell | median ns/access");
            comparisons().forEach(c -> out.append(" | ").append(c.heading()));
            out.append(" |\n|---|---:");
            comparisons().forEach(c -> out.append("|---"));
            out.append("|\n");
            Map<Comparison, int[]> tally = new LinkedHashMap<>();
            for (String cell : cells) {
                out.append("| ").append(cell).append(" | ").append(nanos(group, cell));
                for (Comparison c : comparisons()) {
                    Optional<Ratio> r = ratio(group, cell, c);
                    out.append(" | ").append(r.map(ratio -> render(ratio, c.bar(cell))).orElse("n/a"));
                    if (r.isPresent() && !Double.isNaN(c.bar(cell))) {
                        int[] t = tally.computeIfAbsent(c, k -> new int[2]);
                        t[1]++;
                        if (r.get().median() <= c.bar(cell)) {
                            t[0]++;
                        }
                    }
                }
                out.append(" |\n");
            }
            out.append('\n');
            tally.forEach((c, t) -> out.append("- ").append(c.subject()).append(" / ").append(c.reference())
                    .append(": bar met in ").append(t[0]).append(" of ").append(t[1]).append(" cells\n"));
        }
        return out.toString();
    }

    private static String groupTitle(String group) {
        return switch (group) {
            case "clean" -> "Clean JVMs: each JVM ran one access mode only";
            case "mixed" -> "Mixed JVMs: all four modes ran in every JVM, interleaved, warm-up included";
            case "file" -> "Mapped /dev/shm file, guarded path (each JVM one mode)";
            case "memfd" -> "Sealed memfd (each JVM one mode)";
            case "hooks" -> "Scheduling hooks with no explorer installed, beside the same work without them";
            case "views" -> "One call site seeing 1, 2, 3 or 8 OPAQUE views (one JVM per count)";
            default -> group;
        };
    }

    private static String render(Ratio r, double bar) {
        StringBuilder text = new StringBuilder(format(r.median()) + " [" + format(r.p10()) + ", " + format(r.p90()) + "]");
        if (!Double.isNaN(bar)) {
            boolean met = r.median() <= bar;
            text.append(met ? " met" : " **missed**");
            if (r.p10() <= bar && r.p90() >= bar) {
                text.append(" †");
            }
        }
        text.append("<br>JVMs: ");
        for (int i = 0; i < r.perFork().length; i++) {
            text.append(i == 0 ? "" : ", ").append(format(r.perFork()[i]));
        }
        return text.toString();
    }

    private static List<String> cells(List<ForkResult> forks) {
        Set<String> cells = new LinkedHashSet<>();
        forks.forEach(f -> f.kernels().forEach(k -> cells.add(k.cell())));
        return cells.stream().sorted(Comparator.comparing(CpuTimeTable::rank)).toList();
    }

    /** Width, then mode, then read before write, then loops before single accesses; the baseline last. */
    private static String rank(String cell) {
        String[] p = cell.split(" ");
        if (!p[0].startsWith("u")) {
            return "z " + (cell.endsWith("x16") ? "a" : "b");
        }
        int width = Integer.parseInt(p[0].substring(1));
        return "%02d %d %s %s".formatted(width, MODE_ORDER.indexOf(p[1]), p[2], p[3].equals("x16") ? "a" : "b");
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
