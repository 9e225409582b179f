package dev.sysmem.bench.ring;

import dev.sysmem.bench.report.Quantile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The tables of a {@link RingCpuCost} run over one or more JVMs. Within a JVM a ratio is taken
 * round by round (two slices milliseconds apart); the cell pools those per-round ratios of every
 * JVM (median and 10th-90th percentile) and lists each JVM's own median beside them, because JVMs
 * differ by their JIT decisions more than rounds within one JVM do (the 64 B virtqueue measured
 * 0.44-0.52 × Agrona in five JVMs of one idle hour), which the percentiles of one JVM cannot show.
 */
final class RingCpuTable {

    static final int VIRTQUEUE = 0;
    static final int AGRONA = 2;
    static final int JCTOOLS = 3;
    /** {@link SplitRingFloor}: the least any split virtqueue over FFM does; compared builds follow it. */
    static final int FLOOR = 4;

    /** The tables of every payload, one section each; all JVMs must have measured the same contenders. */
    static String markdown(List<RingCpuRun> jvms) {
        StringBuilder out = new StringBuilder();
        RingCpuRun first = jvms.getFirst();
        for (int p = 0; p < first.payloads().size(); p++) {
            List<RingCpuRun.Payload> same = new ArrayList<>();
            for (RingCpuRun jvm : jvms) {
                RingCpuRun.Payload payload = jvm.payloads().get(p);
                if (payload.payload() != first.payloads().get(p).payload()
                        || !payload.contenders().equals(first.payloads().get(p).contenders())) {
                    throw new IllegalArgumentException("JVMs measured different things: " + payload.payload() + " B "
                            + payload.contenders() + " against " + first.payloads().get(p).payload() + " B "
                            + first.payloads().get(p).contenders());
                }
                same.add(payload);
            }
            out.append(payloadTable(same));
        }
        return out.toString();
    }

    private static String payloadTable(List<RingCpuRun.Payload> jvms) {
        RingCpuRun.Payload first = jvms.getFirst();
        int payload = first.payload();
        List<String> names = first.contenders();
        int n = names.size();
        // The bars against Agrona are for 64 B and 4 KiB; other sizes are shown unjudged.
        double agronaBar = switch (payload) {
            case 64 -> 0.5;
            case 4096 -> 0.9;
            default -> Double.NaN;
        };
        boolean builds = n > FLOOR + 1;
        StringBuilder out = new StringBuilder("\n### " + payload + " B payload\n\n| contender | ns per buffer (CPU) |"
                + " / Agrona (" + (Double.isNaN(agronaBar) ? "no bar" : "bar ≥ " + agronaBar) + ") | / JCTools (bar ≥ 1) | / split-ring floor |"
                + (builds ? " / this build's virtqueue, same mode |\n|---|---:|---|---|---|---|\n" : "\n|---|---:|---|---|---|\n"));
        for (int c = 0; c < n; c++) {
            boolean subject = c < AGRONA || c > FLOOR;
            Verdict verdict = subject ? Verdict.BAR : c == FLOOR ? Verdict.REACH : Verdict.NONE;
            out.append("| ").append(names.get(c)).append(" | ").append(cell(jvms, c, -1, Double.NaN, Verdict.NONE));
            for (int reference : new int[] {AGRONA, JCTOOLS}) {
                out.append(" | ").append(reference == c ? "—"
                        : cell(jvms, c, reference, reference == AGRONA ? agronaBar : 1.0,
                                reference == AGRONA && Double.isNaN(agronaBar) ? Verdict.NONE : verdict));
            }
            out.append(" | ").append(subject ? cell(jvms, c, FLOOR, Double.NaN, Verdict.NONE) : "—");
            if (builds) {
                // Compared builds come in pairs (plain, IN_ORDER), as this build's rows 0 and 1.
                out.append(" | ").append(c <= FLOOR ? "—" : cell(jvms, c, VIRTQUEUE + (c - FLOOR - 1) % 2, Double.NaN, Verdict.NONE));
            }
            out.append(" |\n");
        }
        out.append("\n† the p10-p90 spread contains the bar. The floor's row says whether a bar is within reach of any "
                + "split virtqueue over `java.lang.foreign`: below a bar, no implementation can meet it.\n");
        return out.toString();
    }

    /** What a ratio is judged by: a subject against its bar, the floor by whether the bar is reachable, or not at all. */
    private enum Verdict { NONE, BAR, REACH }

    /**
     * Contender {@code c}'s ns per buffer ({@code reference} < 0), or its throughput over
     * {@code reference}'s ({@code reference}'s ns over {@code c}'s, round by round): pooled median,
     * p10-p90, the verdict against {@code bar}, and each JVM's median when there are several.
     */
    private static String cell(List<RingCpuRun.Payload> jvms, int c, int reference, double bar, Verdict verdict) {
        List<double[]> perJvm = new ArrayList<>();
        for (RingCpuRun.Payload jvm : jvms) {
            double[] ns = jvm.nsPerBuffer()[c];
            double[] values = new double[ns.length];
            for (int r = 0; r < ns.length; r++) {
                values[r] = reference < 0 ? ns[r] : jvm.nsPerBuffer()[reference][r] / ns[r];
            }
            perJvm.add(values);
        }
        double[] pooled = perJvm.stream().flatMapToDouble(Arrays::stream).toArray();
        double[] s = {Quantile.of(pooled, 0.1), Quantile.of(pooled, 0.5), Quantile.of(pooled, 0.9)};
        StringBuilder text = new StringBuilder(fmt(s[1]) + " (" + fmt(s[0]) + "-" + fmt(s[2]) + ")");
        if (verdict == Verdict.BAR) {
            text.append(s[1] >= bar ? " met" : " **missed**").append(s[0] <= bar && s[2] >= bar ? " †" : "");
        } else if (verdict == Verdict.REACH) {
            text.append(s[1] >= bar ? " (bar within reach)" : " (**bar out of reach**)").append(s[0] <= bar && s[2] >= bar ? " †" : "");
        }
        if (perJvm.size() > 1) {
            text.append("<br>JVMs: ");
            for (int j = 0; j < perJvm.size(); j++) {
                text.append(j > 0 ? ", " : "").append(fmt(Quantile.of(perJvm.get(j), 0.5)));
            }
        }
        return text.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }
}
