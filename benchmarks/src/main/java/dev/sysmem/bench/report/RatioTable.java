package dev.sysmem.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JMH JSON results into the Markdown table the project quotes: for each sysmem benchmark,
 * its median and the ratio of its median to each contender's (the floor it must stay near, the
 * peers a user would pick instead), with a 95% bootstrap interval, and whether the bar is
 * met.
 *
 * <p>Only ratios from one run are meaningful on a shared machine; absolute medians are shown
 * beside them for scale, never as the result. A ratio is always subject over reference in the
 * benchmark's own unit: for time per operation lower is better and the bar is an upper limit, for
 * throughput higher is better and the bar is a lower limit. A cell whose reference was not run, or
 * does not exist (Agrona has no opaque 8-bit access), reads "n/a".
 *
 * <p><b>Guarantees.</b> Every number in the table is computed from the raw iteration scores in
 * the JSON; the same JSON always renders the same table (see {@link Bootstrap}).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.report.RatioTable benchmarks/results/2025-01-01-access.json
 * }</pre>
 */
public final class RatioTable {

    /** The limit a ratio must respect: {@code ≤ limit} for times, {@code ≥ limit} for throughputs. */
    public record Bar(boolean upper, double limit) {

        /** No bar: the ratio is shown for information. */
        public static final Bar NONE = new Bar(true, Double.NaN);

        /** The ratio must be at most {@code limit}. */
        public static Bar atMost(double limit) {
            return new Bar(true, limit);
        }

        /** The ratio must be at least {@code limit}. */
        public static Bar atLeast(double limit) {
            return new Bar(false, limit);
        }

        boolean exists() {
            return !Double.isNaN(limit);
        }

        boolean metBy(double ratio) {
            return upper ? ratio <= limit : ratio >= limit;
        }

        @Override
        public String toString() {
            return exists() ? (upper ? "≤ " : "≥ ") + format(limit) : "none";
        }
    }

    /**
     * A contender the subject is compared with.
     *
     * @param label     the column heading, e.g. "raw VarHandle (floor)"
     * @param className the contender's benchmark class (simple name)
     * @param method    the contender's benchmark method for a subject method
     * @param bar       the limit on subject / contender
     */
    public record Column(String label, String className, UnaryOperator<String> method, Bar bar) {

        /** A contender whose benchmark method has the subject's name. */
        public static Column same(String label, String className, Bar bar) {
            return new Column(label, className, UnaryOperator.identity(), bar);
        }

        /** A contender measured by one method, whatever the subject's. */
        public static Column fixed(String label, String className, String method, Bar bar) {
            return new Column(label, className, m -> method, bar);
        }
    }

    /**
     * A group of rows: every benchmark of {@code subjectClass} whose method matches
     * {@code subjectMethods}, one row per method and parameter set.
     */
    public record Family(String title, String subjectClass, Pattern subjectMethods, String subjectName,
                         Function<Measurement, String> rowLabel, Comparator<Measurement> rowOrder,
                         List<Column> columns, boolean showBest, Predicate<Measurement> rows) {

        /** A family whose cells show the ratio of medians only. */
        public Family(String title, String subjectClass, Pattern subjectMethods, String subjectName,
                      Function<Measurement, String> rowLabel, Comparator<Measurement> rowOrder, List<Column> columns) {
            this(title, subjectClass, subjectMethods, subjectName, rowLabel, rowOrder, columns, false, m -> true);
        }

        /** This family restricted to the subjects {@code rows} accepts, e.g. one payload size. */
        public Family only(Predicate<Measurement> accept) {
            return new Family(title, subjectClass, subjectMethods, subjectName, rowLabel, rowOrder, columns, showBest,
                    rows.and(accept));
        }

        /**
         * This family with each cell also showing the ratio of the best iterations (fastest time,
         * highest throughput): for two-thread benchmarks on a shared machine, whose iterations
         * are bimodal (both threads on a core, or one descheduled), the best iteration estimates
         * the uncontended cost where the median shows the scheduler.
         */
        public Family withBest() {
            return new Family(title, subjectClass, subjectMethods, subjectName, rowLabel, rowOrder, columns, true, rows);
        }
    }

    private static final Pattern ACCESS = Pattern.compile("(read|write)(8|16|32|64)(Plain|Opaque|Acquire|Release|Volatile)");
    private static final List<String> MODE_ORDER = List.of("Plain", "Opaque", "Acquire", "Release", "Volatile");

    /** The families the project's benchmarks form, in the order the table shows them. */
    public static final List<Family> FAMILIES = List.of(
            new Family("Access cost: one access per operation (time, lower is better)",
                    "SysMemAccess", Pattern.compile(".*"), "SysMem",
                    RatioTable::accessLabel, Comparator.comparing(RatioTable::accessRank),
                    List.of(Column.same("raw VarHandle (floor)", "VarHandleAccess", Bar.atMost(1.05)),
                            Column.same("Agrona UnsafeBuffer", "AgronaAccess", Bar.atMost(1.00)),
                            Column.same("ByteBuffer view VarHandle", "ByteBufferAccess", Bar.NONE))),
            new Family("Access cost on a mapped /dev/shm file (time, lower is better)",
                    "SysMemMappedAccess", Pattern.compile(".*"), "SysMem",
                    RatioTable::accessLabel, Comparator.comparing(RatioTable::accessRank),
                    List.of(Column.same("raw VarHandle on the file (floor)", "VarHandleMappedAccess", Bar.atMost(1.05)),
                            Column.same("SysMem on anonymous memory", "SysMemAccess", Bar.NONE))),
            new Family("What limits SysMem / Agrona: the FFM floor itself against Agrona (time, lower is better)",
                    "VarHandleAccess", Pattern.compile(".*(32|64).*"), "raw VarHandle",
                    RatioTable::accessLabel, Comparator.comparing(RatioTable::accessRank),
                    List.of(Column.same("Agrona UnsafeBuffer", "AgronaAccess", Bar.NONE))),
            new Family("Register read-modify-write: one field of a 32-bit register, opaque (time, lower is better)",
                    "RegisterUpdate", Pattern.compile("typed.*"), "typed",
                    RatioTable::registerLabel, Comparator.comparing(Measurement::method).reversed(),
                    List.of(Column.fixed("mask-and-shift on raw VarHandle (floor)", "RegisterUpdate",
                                    "maskAndShiftVarHandle", Bar.atMost(1.05)),
                            Column.fixed("mask-and-shift on SysMem", "RegisterUpdate", "maskAndShiftSysMem",
                                    Bar.atMost(1.05)))),
            new Family("Doorbell round trip to a device-sim device (time per round trip, lower is better)",
                    "DeviceRoundTrip", Pattern.compile("echoDevice"), "device-sim echo device",
                    m -> "doorbell, status register", Comparator.comparing(Measurement::method),
                    roundTripColumns(Bar.atMost(1.3))).withBest(),
            new Family("Mailbox requests through device-sim (time per request, lower is better)",
                    "DeviceRoundTrip", Pattern.compile("mailbox.*"), "mailbox",
                    RatioTable::mailboxLabel, Comparator.comparing(Measurement::method),
                    roundTripColumns(Bar.NONE)).withBest(),
            new Family("Cross-process round trip over /dev/shm (time per round trip, lower is better)",
                    "CrossProcessRoundTrip", Pattern.compile("otherProcess"), "device in another JVM",
                    m -> "doorbell, status register", Comparator.comparing(Measurement::method),
                    List.of(Column.fixed("same device in this JVM, same kind of file", "CrossProcessRoundTrip",
                                    "sameProcess", Bar.NONE),
                            Column.fixed("device-sim echo device, anonymous memory", "DeviceRoundTrip",
                                    "echoDevice", Bar.NONE),
                            Column.fixed("raw VarHandle ping-pong (floor)", "VarHandlePingPong", "roundTrip",
                                    Bar.NONE))).withBest(),
            ringFamily("64", 0.5),
            ringFamily("4096", 0.9),
            new Family("Ring throughput with device-sim's sleeping VirtioDevice (buffers/s, higher is better)",
                    "VirtioDeviceThroughput", Pattern.compile(".*"), "VirtioDevice",
                    m -> m.params().getOrDefault("payload", "?") + " B payload", Comparator.comparing(
                            m -> Integer.parseInt(m.params().getOrDefault("payload", "0"))),
                    List.of(Column.same("poll-mode virtqueue device", "VirtqueueThroughput", Bar.NONE),
                            Column.same("Agrona OneToOneRingBuffer", "AgronaRingThroughput", Bar.NONE),
                            Column.same("JCTools SpscArrayQueue", "JCToolsQueueThroughput", Bar.NONE))).withBest());

    /**
     * The virtqueue against the rings, one payload size: the bars are ≥ 0.5 × Agrona at
     * 64 B and ≥ 0.9 × at 4 KiB, and at least JCTools' throughput at both.
     */
    private static Family ringFamily(String payload, double agronaBar) {
        return new Family("Ring throughput, " + payload + " B payload: buffers through a queue to a busy-polling consumer thread"
                + " (buffers/s, higher is better)",
                "VirtqueueThroughput", Pattern.compile(".*"), "virtqueue",
                m -> (m.method().equals("transfer") ? "kick check after every buffer" : "kicks batched per 32 buffers (headline)")
                        + ("true".equals(m.params().get("inOrder")) ? " with IN_ORDER" : ""),
                Comparator.comparing(Measurement::method).reversed(),
                List.of(Column.fixed("Agrona OneToOneRingBuffer", "AgronaRingThroughput", "transfer", Bar.atLeast(agronaBar)),
                        Column.fixed("JCTools SpscArrayQueue", "JCToolsQueueThroughput", "transfer", Bar.atLeast(1.0))))
                .withBest().only(m -> payload.equals(m.params().get("payload")));
    }

    private static List<Column> roundTripColumns(Bar floorBar) {
        return List.of(Column.fixed("raw VarHandle ping-pong (floor)", "VarHandlePingPong", "roundTrip", floorBar),
                Column.fixed("SynchronousQueue", "HandOffPingPong", "synchronousQueue", Bar.NONE),
                Column.fixed("Exchanger", "HandOffPingPong", "exchanger", Bar.NONE));
    }

    private static String registerLabel(Measurement m) {
        return switch (m.method()) {
            case "typedRegister" -> "Register.update(io, v -> v.with(MODE, x))";
            case "typedReadWithWrite" -> "Register.write(io, Register.read(io).with(MODE, x))";
            case "typedValueOnly" -> "read32, RegisterValue.with, write32";
            default -> m.method();
        };
    }

    private static String mailboxLabel(Measurement m) {
        return switch (m.method()) {
            case "mailboxPolled" -> "polled device, spinning driver";
            case "mailboxDriver" -> "MailboxDriver.echo, doorbell and interrupt (both sleep)";
            default -> m.method();
        };
    }

    private final List<Measurement> results;
    private final List<Family> families;
    private final Optional<ForkLoad.Run> loads;

    /** A table over {@code results}, with the project's {@link #FAMILIES}. */
    public RatioTable(List<Measurement> results) {
        this(results, FAMILIES, Optional.empty());
    }

    /** A table over {@code results} with the given families, and the fork loads if the run kept them. */
    public RatioTable(List<Measurement> results, List<Family> families, Optional<ForkLoad.Run> loads) {
        this.results = List.copyOf(results);
        this.families = List.copyOf(families);
        this.loads = loads;
    }

    /** Reads a JMH JSON result file, and the fork loads beside it ({@code .load.json}) if there are any. */
    public static RatioTable read(Path json) throws IOException {
        Path loadFile = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".load.json");
        Optional<ForkLoad.Run> loads = Files.exists(loadFile)
                ? Optional.of(new ObjectMapper().readValue(loadFile.toFile(), ForkLoad.Run.class))
                : Optional.empty();
        return new RatioTable(Measurement.parseAll(Files.readString(json)), FAMILIES, loads);
    }

    /** What the run kept of the machine's load during {@code m}'s forks, if it kept anything. */
    Optional<ForkLoad> loadsOf(Measurement m) {
        return loads.flatMap(run -> run.forks().stream()
                .filter(f -> f.benchmark().equals(m.benchmark()) && new TreeMap<>(f.params()).equals(new TreeMap<>(m.params())))
                .findFirst());
    }

    /**
     * " load a-b, others c-d CPUs", flagged when during any fork others used more than the run's
     * {@code maxOtherCpus}; for runs that kept only the load average, flagged when a fork started
     * above the run's load threshold. Empty without loads.
     */
    private String loadNote(Measurement m) {
        return loadsOf(m).filter(f -> !f.loads().isEmpty()).map(f -> {
            ForkLoad.Run run = loads.orElseThrow();
            String load = "<br>load " + range(f.loads());
            if (!f.hasShare()) {
                long above = f.loads().stream().filter(v -> v > run.threshold()).count();
                return load + (above > 0 ? " ⚠ " + above + "/" + f.loads().size() + " forks above " + format(run.threshold()) : "");
            }
            List<Double> others = new ArrayList<>();
            for (int i = 0; i < f.loads().size(); i++) {
                others.add(f.otherCpus().get(i) + f.stealCpus().get(i));
            }
            long above = others.stream().filter(v -> v > run.maxOtherCpus()).count();
            return load + ", others " + range(others) + " CPUs"
                    + (above > 0 ? " ⚠ " + above + "/" + others.size() + " forks above " + format(run.maxOtherCpus()) : "");
        }).orElse("");
    }

    private static String range(List<Double> values) {
        double low = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double high = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return format(low) + "-" + format(high);
    }

    /**
     * Prints the table of each JMH JSON file named on the command line; with {@code --rewrite},
     * also rewrites the {@code .md} beside each file, keeping the run's header (machine, date,
     * load) that {@link BenchmarkRun} wrote there, so a table can follow a change to this class
     * without running the benchmarks again.
     */
    public static void main(String[] args) throws IOException {
        boolean rewrite = args.length > 0 && args[0].equals("--rewrite");
        List<String> files = List.of(args).subList(rewrite ? 1 : 0, args.length);
        if (files.isEmpty()) {
            System.err.println("usage: RatioTable [--rewrite] RESULT.json...  (JMH JSON, as BenchmarkRun or -rf json writes it)");
            System.exit(2);
        }
        for (String file : files) {
            Path json = Path.of(file);
            Path md = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
            List<String> header = rewrite && Files.exists(md) ? runHeader(Files.readAllLines(md)) : List.of("Results: `" + file + "`");
            String table = read(json).markdown(header);
            System.out.println(table);
            if (rewrite) {
                Files.writeString(md, table);
                System.out.println("Rewrote " + md);
            }
        }
    }

    /** The lines of a table file up to and including its "- Raw results" line. */
    static List<String> runHeader(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("- Raw results")) {
                return lines.subList(0, i + 1);
            }
        }
        throw new IllegalArgumentException("no run header (a '- Raw results' line) in the table file");
    }

    /**
     * One cell: the subject's ratio to one contender, or empty ratio if the contender has no result.
     *
     * @param row    the row's label
     * @param column the column
     * @param ratio  subject median / contender median with its interval
     */
    record Cell(String row, Column column, Optional<Bootstrap.Ratio> ratio, Optional<Double> best,
                Optional<RoundRatios> rounds) {

        /** Whether a bar applies and the ratio meets it; empty if there is no bar or no ratio. */
        Optional<Boolean> met() {
            return ratio.filter(r -> column.bar().exists()).map(r -> column.bar().metBy(r.value()));
        }

        /** Whether the 95% interval lies on both sides of the bar: this run cannot tell. */
        boolean undecided() {
            Bar bar = column.bar();
            return ratio.isPresent() && bar.exists() && ratio.get().low() <= bar.limit() && ratio.get().high() >= bar.limit();
        }

        String render() {
            if (ratio.isEmpty()) {
                return "n/a";
            }
            Bootstrap.Ratio r = ratio.get();
            String text = format(r.value()) + " [" + format(r.low()) + ", " + format(r.high()) + "]";
            String verdict = met().map(ok -> text + " " + (ok ? "met" : "**missed**") + (undecided() ? " †" : "")).orElse(text);
            return verdict + best.map(b -> "; best " + format(b) + (column.bar().exists()
                    ? (column.bar().metBy(b) ? " met" : " **missed**") : "")).orElse("")
                    + rounds.map(q -> "; per round " + format(q.median()) + " (p10-p90 " + format(q.p10()) + "-"
                    + format(q.p90()) + ", " + q.count() + " rounds)" + (column.bar().exists()
                    ? (column.bar().metBy(q.median()) ? " met" : " **missed**") + (q.spans(column.bar()) ? " †" : "")
                    : "")).orElse("");
        }
    }

    /**
     * The ratio round by round: in round {@code i} the subject's fork median over the contender's
     * fork median, two forks that {@link BenchmarkRun} ran next to each other, so that a change
     * of the machine's load between rounds moves both. The median and the 10th-90th percentile
     * spread of those ratios (linear interpolation between the sorted ratios).
     *
     * @param count the rounds paired (the fewer forks of the two)
     */
    record RoundRatios(double median, double p10, double p90, int count) {

        static Optional<RoundRatios> of(Measurement subject, Measurement reference) {
            int n = Math.min(subject.forks().size(), reference.forks().size());
            if (n < 2) {
                return Optional.empty();
            }
            double[] ratios = new double[n];
            for (int i = 0; i < n; i++) {
                ratios[i] = medianOf(subject.forks().get(i)) / medianOf(reference.forks().get(i));
            }
            java.util.Arrays.sort(ratios);
            return Optional.of(new RoundRatios(Quantile.ofSorted(ratios, 0.5), Quantile.ofSorted(ratios, 0.1),
                    Quantile.ofSorted(ratios, 0.9), n));
        }

        /** Whether the p10-p90 spread contains the bar: the rounds disagree on the verdict. */
        boolean spans(Bar bar) {
            return bar.exists() && p10 <= bar.limit() && p90 >= bar.limit();
        }

        private static double medianOf(double[] scores) {
            double[] sorted = scores.clone();
            java.util.Arrays.sort(sorted);
            return Quantile.ofSorted(sorted, 0.5);
        }
    }

    /** Every cell of {@code family}, row by row. */
    List<List<Cell>> cells(Family family) {
        List<List<Cell>> rows = new ArrayList<>();
        for (Measurement subject : subjects(family)) {
            String label = family.rowLabel().apply(subject);
            List<Cell> row = new ArrayList<>();
            for (Column column : family.columns()) {
                String method = column.method().apply(subject.method());
                Optional<Measurement> reference = find(column.className(), method, subject);
                Optional<Bootstrap.Ratio> ratio = reference.map(r -> Bootstrap.ratio(subject.forks(), r.forks()));
                Optional<Double> best = reference.filter(r -> family.showBest()).map(r -> subject.best() / r.best());
                Optional<RoundRatios> rounds = reference.filter(r -> family.showBest())
                        .flatMap(r -> RoundRatios.of(subject, r));
                row.add(new Cell(label, column, ratio, best, rounds));
            }
            rows.add(row);
        }
        return rows;
    }

    private List<Measurement> subjects(Family family) {
        return results.stream()
                .filter(m -> m.className().equals(family.subjectClass()) && family.subjectMethods().matcher(m.method()).matches()
                        && family.rows().test(m))
                .sorted(family.rowOrder().thenComparing(m -> m.params().toString()))
                .toList();
    }

    /**
     * The contender's result with the subject's parameters: every parameter the contender has must
     * have the subject's value (a subject may have more, such as the virtqueue's {@code inOrder},
     * which the other rings do not have).
     */
    private Optional<Measurement> find(String className, String method, Measurement like) {
        return results.stream()
                .filter(m -> m.className().equals(className) && m.method().equals(method)
                        && like.params().entrySet().containsAll(m.params().entrySet()) && m.mode().equals(like.mode()))
                .findFirst();
    }

    /** The whole table in Markdown, after {@code header} lines (machine, date, command). */
    public String markdown(List<String> header) {
        StringBuilder out = new StringBuilder();
        header.forEach(line -> out.append(line).append('\n'));
        if (!header.isEmpty()) {
            out.append('\n');
        }
        out.append("Each cell is subject median / contender median, [95% two-level bootstrap interval], and the bar's verdict. "
                + "† marks a verdict the interval does not settle (it contains the bar). \"best\" (two-thread benchmarks) "
                + "is the ratio of the best iterations, fastest or highest, with its verdict: the uncontended estimate. \"per round\" "
                + "(two-thread benchmarks) is the median over rounds of the ratio of the two forks run next to each other in a "
                + "round, with the 10th-90th percentile spread of those ratios; † there marks a spread that contains the bar.\n");
        loads.ifPresent(run -> out.append(run.forks().stream().allMatch(ForkLoad::hasShare)
                ? "\nTwo-thread benchmarks show the 1-minute load average at which the subject's forks started and "
                        + "what others used during them (other processes' CPU time and the hypervisor's steal, in CPUs); "
                        + "⚠ flags forks during which others used more than " + format(run.maxOtherCpus())
                        + " CPUs: their two threads could not count on a core each, and the figure is the scheduler's "
                        + "as much as the code's. (The load average includes the benchmarks' own threads: a two-thread "
                        + "benchmark raises it to about 2 for the forks after it.)\n"
                : "\nTwo-thread benchmarks show the 1-minute load average at which the subject's forks started; ⚠ flags "
                        + "forks started above " + format(run.threshold()) + " (the core count): their threads could not "
                        + "count on running at the same time, and the figure is the scheduler's as much as the code's.\n"));
        for (Family family : families) {
            List<Measurement> subjects = subjects(family);
            if (subjects.isEmpty()) {
                continue;
            }
            List<List<Cell>> rows = cells(family);
            out.append("\n### ").append(family.title()).append("\n\n");
            out.append("| | ").append(family.subjectName()).append(" median");
            for (Column c : family.columns()) {
                out.append(" | ").append(family.subjectName()).append(" / ").append(c.label())
                        .append(c.bar().exists() ? " (bar " + c.bar() + ")" : "");
            }
            out.append(" |\n|---|---:");
            family.columns().forEach(c -> out.append("|---"));
            out.append("|\n");
            for (int i = 0; i < subjects.size(); i++) {
                Measurement s = subjects.get(i);
                out.append("| ").append(rows.get(i).getFirst().row()).append(" | ")
                        .append(format(s.median())).append(' ').append(s.unit())
                        .append(family.showBest() ? loadNote(s) : "");
                rows.get(i).forEach(cell -> out.append(" | ").append(cell.render()));
                out.append(" |\n");
            }
            out.append('\n').append(summary(family, rows)).append('\n');
        }
        return out.toString();
    }

    private static String summary(Family family, List<List<Cell>> rows) {
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < family.columns().size(); c++) {
            Column column = family.columns().get(c);
            if (!column.bar().exists()) {
                continue;
            }
            int met = 0;
            int measured = 0;
            List<String> missed = new ArrayList<>();
            for (List<Cell> row : rows) {
                Cell cell = row.get(c);
                if (cell.met().isPresent()) {
                    measured++;
                    if (cell.met().get()) {
                        met++;
                    } else {
                        missed.add(cell.row());
                    }
                }
            }
            out.append("- ").append(family.subjectName()).append(" / ").append(column.label()).append(" ")
                    .append(column.bar()).append(": met in ").append(met).append(" of ").append(measured)
                    .append(missed.isEmpty() ? "" : "; missed in " + String.join(", ", missed));
            if (family.showBest()) {
                int c0 = c;
                long bestMet = rows.stream().map(row -> row.get(c0).best())
                        .filter(b -> b.isPresent() && column.bar().metBy(b.get())).count();
                long bestMeasured = rows.stream().filter(row -> row.get(c0).best().isPresent()).count();
                out.append("; by best iterations met in ").append(bestMet).append(" of ").append(bestMeasured);
                long roundMet = rows.stream().map(row -> row.get(c0).rounds())
                        .filter(r -> r.isPresent() && column.bar().metBy(r.get().median())).count();
                long roundMeasured = rows.stream().filter(row -> row.get(c0).rounds().isPresent()).count();
                out.append("; by per-round medians met in ").append(roundMet).append(" of ").append(roundMeasured);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String accessLabel(Measurement m) {
        Matcher a = ACCESS.matcher(m.method());
        if (!a.matches()) {
            return m.method();
        }
        String mode = switch (a.group(3)) {
            case "Acquire" -> "acquire";
            case "Release" -> "release";
            default -> a.group(3).toLowerCase(Locale.ROOT);
        };
        return "u" + a.group(2) + " " + mode + " " + a.group(1);
    }

    private static String accessRank(Measurement m) {
        Matcher a = ACCESS.matcher(m.method());
        if (!a.matches()) {
            return "9" + m.method();
        }
        int width = Integer.parseInt(a.group(2));
        return "%02d %d %s".formatted(width, MODE_ORDER.indexOf(a.group(3)), a.group(1));
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        double abs = Math.abs(value);
        if (abs >= 1e6) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    @Override
    public String toString() {
        return "RatioTable[" + results.size() + " results]";
    }
}
