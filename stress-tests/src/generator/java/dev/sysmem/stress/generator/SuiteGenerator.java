package dev.sysmem.stress.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the jcstress suites of the {@code stress-tests} module: every template in the templates
 * directory (one per property) expanded over the axes below, one Java class per cell.
 *
 * <p>Run by Maven in {@code generate-sources} as a source-file program, because it must run before
 * the module (which holds the classes it generates) is compiled:
 * <pre>{@code java SuiteGenerator.java src/generator/templates target/generated-sources/jcstress}</pre>
 *
 * <p><b>Adding a width, a mode or a segment kind is one line</b> in {@link #WIDTHS}, {@link #MODES}
 * or {@link #SEGMENTS}; every template that expands over that axis picks it up. A mode lists the
 * guarantees it promises; a template's weak outcome is FORBIDDEN in the modes that promise the
 * template's guarantee and ACCEPTABLE_INTERESTING in the others.
 *
 * <p><b>Controls.</b> A template may also list {@link ControlAxis controls}: the same test run
 * through a deliberately broken implementation ({@code dev.sysmem.stress.Breakage}) of the
 * accesses, over the widths and segments the control names. A control's weak outcome is
 * ACCEPTABLE_INTERESTING; the claims report counts a claim as HOLDS only if a control of its row
 * (such a test, or the same test in a mode that does not promise the claim) showed it.
 *
 * <p>A template is Java source with {@code ${name}} placeholders; a placeholder the cell does not
 * define fails the generation, naming the template and the placeholder. Consecutive
 * {@code @Outcome} lines are aligned after substitution, so the generated tests read like the
 * jcstress samples.
 */
public final class SuiteGenerator {

    /** What an access mode may promise; docs/DESIGN.md's mode table, one constant per claim. */
    enum Guarantee {
        ATOMICITY, NO_ELISION, COHERENCE, MESSAGE_PASSING, LOAD_BUFFERING, CAUSALITY, STORE_BUFFERING, IRIW, WRITE_ORDER,
        /** The 32/64-bit atomics are sequentially consistent whatever the view's mode. */
        ATOMICS_SEQUENTIALLY_CONSISTENT,
        /** What no mode promises: the weak outcome of mixed-size tests and of controls. */
        NOTHING
    }

    record WidthAxis(String name, int bits) {
    }

    record ModeAxis(String name, String accessMode, Set<Guarantee> promises) {
    }

    record SegmentAxis(String name, String kind, String description) {
    }

    /**
     * A control of a template: its test run through the broken implementation {@code breakage}
     * (a constant of {@code dev.sysmem.stress.Breakage}), over a view in {@code mode}, at
     * {@code widths} and on {@code segments}; an empty segment list means memory on the Java heap.
     */
    record ControlAxis(String name, String breakage, ModeAxis mode, List<WidthAxis> widths, List<SegmentAxis> segments) {
    }

    record Template(String name, String property, Guarantee guarantee,
                    List<WidthAxis> widths, List<ModeAxis> modes, List<SegmentAxis> segments, List<ControlAxis> controls) {

        Template(String name, String property, Guarantee guarantee,
                 List<WidthAxis> widths, List<ModeAxis> modes, List<SegmentAxis> segments) {
            this(name, property, guarantee, widths, modes, segments, List.of());
        }
    }

    // ---- The axes: one line per width, mode and segment kind. -----------------------------------

    static final List<WidthAxis> WIDTHS = List.of(
            new WidthAxis("U8", 8),
            new WidthAxis("U16", 16),
            new WidthAxis("U32", 32),
            new WidthAxis("U64", 64));

    static final List<ModeAxis> MODES = List.of(
            mode("Plain", "PLAIN", Guarantee.ATOMICS_SEQUENTIALLY_CONSISTENT),
            mode("Opaque", "OPAQUE", Guarantee.ATOMICS_SEQUENTIALLY_CONSISTENT, Guarantee.ATOMICITY, Guarantee.NO_ELISION, Guarantee.COHERENCE),
            mode("AcquireRelease", "ACQUIRE_RELEASE", Guarantee.ATOMICS_SEQUENTIALLY_CONSISTENT, Guarantee.ATOMICITY, Guarantee.NO_ELISION, Guarantee.COHERENCE, Guarantee.MESSAGE_PASSING, Guarantee.LOAD_BUFFERING, Guarantee.CAUSALITY),
            mode("Volatile", "VOLATILE", Guarantee.ATOMICS_SEQUENTIALLY_CONSISTENT, Guarantee.ATOMICITY, Guarantee.NO_ELISION, Guarantee.COHERENCE, Guarantee.MESSAGE_PASSING, Guarantee.LOAD_BUFFERING, Guarantee.CAUSALITY, Guarantee.STORE_BUFFERING, Guarantee.IRIW, Guarantee.WRITE_ORDER));

    static final List<SegmentAxis> SEGMENTS = List.of(
            new SegmentAxis("Anonymous", "ANONYMOUS", "anonymous shared-arena memory"),
            new SegmentAxis("FileBacked", "FILE_BACKED", "a file-backed /dev/shm mapping"),
            new SegmentAxis("SealedMemfd", "SEALED_MEMFD", "a sealed memfd (shared by descriptor)"));

    // ---- The properties: one template each, the guarantee its weak outcome tests, its axes. -----

    static final List<Template> TEMPLATES = List.of(
            new Template("Atomicity", "ATOMICITY", Guarantee.ATOMICITY, wider(8), MODES, SEGMENTS,
                    List.of(new ControlAxis("SplitWrite", "SPLIT_WRITE", opaque(), wider(8), SEGMENTS))),
            new Template("NoElision", "NO_ELISION", Guarantee.NO_ELISION, WIDTHS, MODES, SEGMENTS,
                    List.of(new ControlAxis("HoistableRead", "HOISTABLE_READ", opaque(), only(32), List.of()))),
            new Template("Coherence", "COHERENCE", Guarantee.COHERENCE, WIDTHS, MODES, SEGMENTS, staleCopy()),
            new Template("CoherenceWW", "COHERENCE_WW", Guarantee.COHERENCE, WIDTHS, MODES, SEGMENTS, staleCopy()),
            new Template("CoherenceWR", "COHERENCE_WR", Guarantee.COHERENCE, WIDTHS, MODES, SEGMENTS, staleCopy()),
            new Template("CoherenceRW", "COHERENCE_RW", Guarantee.COHERENCE, WIDTHS, MODES, SEGMENTS, staleCopy()),
            new Template("MessagePassing", "MESSAGE_PASSING", Guarantee.MESSAGE_PASSING, WIDTHS, MODES, SEGMENTS),
            new Template("StoreBuffering", "STORE_BUFFERING", Guarantee.STORE_BUFFERING, WIDTHS, MODES, SEGMENTS),
            new Template("LoadBuffering", "LOAD_BUFFERING", Guarantee.LOAD_BUFFERING, WIDTHS, MODES, SEGMENTS),
            new Template("Iriw", "IRIW", Guarantee.IRIW, WIDTHS, MODES, SEGMENTS),
            new Template("Wrc", "WRC", Guarantee.CAUSALITY, WIDTHS, MODES, SEGMENTS),
            new Template("Isa2", "ISA2", Guarantee.CAUSALITY, WIDTHS, MODES, SEGMENTS),
            new Template("TwoPlusTwoW", "TWO_PLUS_TWO_W", Guarantee.WRITE_ORDER, WIDTHS, MODES, SEGMENTS),
            new Template("AtomicStoreBuffering", "ATOMICS_STORE_BUFFERING", Guarantee.ATOMICS_SEQUENTIALLY_CONSISTENT,
                    wider(16), MODES, SEGMENTS,
                    List.of(new ControlAxis("AtomicsAsAcquireRelease", "ATOMICS_AS_ACQUIRE_RELEASE", opaque(), wider(16), SEGMENTS))),
            new Template("AtomicIriw", "ATOMICS_IRIW", Guarantee.ATOMICS_SEQUENTIALLY_CONSISTENT, wider(16), MODES, SEGMENTS,
                    List.of(new ControlAxis("AtomicsAsAcquireRelease", "ATOMICS_AS_ACQUIRE_RELEASE", opaque(), wider(16), SEGMENTS))),
            new Template("Publication", "PUBLICATION", Guarantee.MESSAGE_PASSING, List.of(), MODES, SEGMENTS),
            new Template("MixedSize", "MIXED_SIZE", Guarantee.NOTHING, List.of(), MODES, SEGMENTS),
            new Template("CacheLineTearingControl", "TEARING_CONTROL", Guarantee.NOTHING, only(64), plainOnly(), SEGMENTS),
            new Template("FieldSpinControl", "ELISION_CONTROL", Guarantee.NOTHING, List.of(), plainOnly(), List.of()));

    /** The initial and the written value of every byte in the tests that look for torn values. */
    static final int INITIAL_BYTE = 0x5a;
    static final int WRITTEN_BYTE = 0xa5;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    private static final Pattern OUTCOME = Pattern.compile("^(\\s*@Outcome\\()(id = \"[^\"]*\",\\s*)?(expect = [A-Z_]+,)\\s*(desc = .*)$");

    private SuiteGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java SuiteGenerator.java TEMPLATE_DIR OUTPUT_DIR");
            System.exit(2);
        }
        Path templates = Path.of(args[0]);
        Path out = Path.of(args[1]).resolve("dev/sysmem/stress/generated");
        deleteTree(out);
        Files.createDirectories(out);
        int count = 0;
        for (Template template : TEMPLATES) {
            Path file = templates.resolve(template.name() + ".java.tmpl");
            String text = Files.readString(file);
            for (Map<String, String> cell : cells(template)) {
                String source = alignOutcomes(substitute(text, cell, file));
                Files.writeString(out.resolve(cell.get("class") + ".java"), source);
                count++;
            }
        }
        System.out.println("SuiteGenerator: wrote " + count + " jcstress tests to " + out);
    }

    static List<Map<String, String>> cells(Template t) {
        List<Map<String, String>> cells = new ArrayList<>();
        for (WidthAxis w : orSingleAbsent(t.widths())) {
            for (ModeAxis m : t.modes()) {
                for (SegmentAxis s : orSingleAbsent(t.segments())) {
                    cells.add(cell(t, w, m, s, null));
                }
            }
        }
        for (ControlAxis c : t.controls()) {
            for (WidthAxis w : orSingleAbsent(c.widths())) {
                for (SegmentAxis s : orSingleAbsent(c.segments())) {
                    cells.add(cell(t, w, c.mode(), s, c));
                }
            }
        }
        return cells;
    }

    private static Map<String, String> cell(Template t, WidthAxis w, ModeAxis m, SegmentAxis s, ControlAxis control) {
        Map<String, String> v = new LinkedHashMap<>();
        StringBuilder name = new StringBuilder(t.name());
        StringBuilder claim = new StringBuilder("@Claim(property = Property." + t.property() + ", mode = AccessMode." + m.accessMode());
        if (w != null) {
            name.append('_').append(w.name());
            claim.append(", width = Width.").append(w.name());
            widthValues(w, v);
        }
        name.append('_').append(control == null ? m.name() : control.name());
        if (s != null) {
            name.append('_').append(s.name());
            claim.append(", segment = SegmentKind.").append(s.kind());
            v.put("segment", s.kind());
            v.put("segmentText", s.description());
        } else {
            // A test without a segment axis races on memory the pool does not map (a Java field or array).
            v.put("segment", "ANONYMOUS");
            v.put("segmentText", "memory on the Java heap");
        }
        if (control != null) {
            claim.append(", breakage = Breakage.").append(control.breakage());
        }
        claim.append(')');
        boolean promised = control == null && m.promises().contains(t.guarantee());
        String className = name.toString();
        v.put("class", className);
        v.put("claim", claim.toString());
        v.put("mode", m.accessMode());
        v.put("pool", control != null && s == null
                ? "SlotPool.onJavaHeap(AccessMode." + m.accessMode() + ", \"" + className + "\")"
                : "new SlotPool(SegmentKind." + v.get("segment") + ", AccessMode." + m.accessMode() + ", \"" + className + "\")");
        v.put("io", control == null ? "SLOTS.io()" : "SLOTS.broken(Breakage." + control.breakage() + ")");
        v.put("implementation", control == null ? "SysMem" : "SysMem over a deliberately broken implementation ("
                + control.breakage() + ")");
        v.put("weak", promised ? "FORBIDDEN" : "ACCEPTABLE_INTERESTING");
        // What every mode forbids (a thread reading a value older than its own write, or nobody's
        // value): FORBIDDEN in every test of the real implementation. A control's broken memory may
        // show it too; there it is ACCEPTABLE, so that only the row's own weak outcome counts as seen.
        v.put("forbidden", control == null ? "FORBIDDEN" : "ACCEPTABLE");
        v.put("verdict", control != null ? controlVerdict(control) : verdict(t, m, promised));
        return v;
    }

    private static String controlVerdict(ControlAxis control) {
        return "A control: the view runs every access through Breakage." + control.breakage() + ", after SysMem's own "
                + "checks, so its weak outcome is ACCEPTABLE_INTERESTING. The claims report counts the claims of this row, "
                + "width and segment as HOLDS only when a control like this one showed the weak outcome in the same run.";
    }

    private static void widthValues(WidthAxis w, Map<String, String> v) {
        int bytes = w.bits() / 8;
        boolean wide = w.bits() == 64;
        String letter = wide ? "J" : "I";
        v.put("width", w.name());
        v.put("bits", Integer.toString(w.bits()));
        v.put("type", wide ? "long" : "int");
        v.put("read", "read" + w.bits());
        v.put("write", "write" + w.bits());
        v.put("R2", letter.repeat(2) + "_Result");
        v.put("R3", letter.repeat(3) + "_Result");
        v.put("R4", letter.repeat(4) + "_Result");
        v.put("byteResult", "I".repeat(bytes) + "_Result");
        v.put("initial", pattern(INITIAL_BYTE, bytes, wide));
        v.put("written", pattern(WRITTEN_BYTE, bytes, wide));
        v.put("initialBytes", repeatJoined(Integer.toString(INITIAL_BYTE), bytes));
        v.put("writtenBytes", repeatJoined(Integer.toString(WRITTEN_BYTE), bytes));
        StringBuilder split = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            if (i > 0) {
                split.append('\n');
            }
            split.append("r.r").append(i + 1).append(" = (int) ").append(i == 0 ? "v" : "(v >>> " + 8 * i + ")").append(" & 0xff;");
        }
        v.put("splitBytes", split.toString());
    }

    private static String verdict(Template t, ModeAxis m, boolean promised) {
        if (promised) {
            return m.accessMode() + " promises this (docs/DESIGN.md), so the outcome that would break it is "
                    + "FORBIDDEN: one sighting fails the run.";
        }
        if (t.property().endsWith("_CONTROL")) {
            return "A control of the harness: its outcome is ACCEPTABLE_INTERESTING, and the claims report says "
                    + "whether this run saw it.";
        }
        if (t.guarantee() == Guarantee.NOTHING) {
            return "No access mode promises this, so the outcome is allowed (ACCEPTABLE_INTERESTING); the claims "
                    + "report says whether this machine showed it.";
        }
        if (!m.promises().contains(Guarantee.ATOMICITY)) {
            return m.accessMode() + " promises no ordering and no atomicity beyond 32 bits: this cell is a negative "
                    + "control, its weak outcome allowed (ACCEPTABLE_INTERESTING); the claims report says whether "
                    + "this machine showed it.";
        }
        return m.accessMode() + " does not promise this, so the outcome is allowed (ACCEPTABLE_INTERESTING); the "
                + "claims report says whether this machine showed it.";
    }

    private static String pattern(int b, int bytes, boolean wide) {
        String hex = Integer.toHexString(b).repeat(bytes);
        return "0x" + hex + (wide ? "L" : "");
    }

    private static String repeatJoined(String s, int n) {
        return String.join(", ", Collections.nCopies(n, s));
    }

    /** Replaces each {@code ${name}}; a multi-line value continues with the text before the placeholder. */
    static String substitute(String text, Map<String, String> values, Path template) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = PLACEHOLDER.matcher(line);
            StringBuilder l = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(template + ": placeholder ${" + m.group(1)
                            + "} is not defined for cell " + values.get("class") + "; defined: " + values.keySet());
                }
                String before = line.substring(0, m.start());
                String prefix = before.isBlank() || before.strip().equals("*") ? before : "";
                String wrapped = before.strip().equals("*") ? wrap(value, 100 - before.length()) : value;
                m.appendReplacement(l, Matcher.quoteReplacement(wrapped.replace("\n", "\n" + prefix)));
            }
            m.appendTail(l);
            out.append(l).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (out.length() - lineStart + word.length() + 1 > width && out.length() > lineStart) {
                out.append('\n');
                lineStart = out.length();
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    /** Pads consecutive {@code @Outcome} lines so that their {@code expect} and {@code desc} line up. */
    static String alignOutcomes(String source) {
        List<String> lines = new ArrayList<>(List.of(source.split("\n", -1)));
        int i = 0;
        while (i < lines.size()) {
            int end = i;
            while (end < lines.size() && OUTCOME.matcher(lines.get(end)).matches()) {
                end++;
            }
            if (end > i) {
                int idWidth = 0;
                int expectWidth = 0;
                for (int j = i; j < end; j++) {
                    Matcher m = OUTCOME.matcher(lines.get(j));
                    m.matches();
                    idWidth = Math.max(idWidth, m.group(2) == null ? 0 : m.group(2).strip().length() + 1);
                    expectWidth = Math.max(expectWidth, m.group(3).length() + 1);
                }
                for (int j = i; j < end; j++) {
                    Matcher m = OUTCOME.matcher(lines.get(j));
                    m.matches();
                    String id = m.group(2) == null ? "" : m.group(2).strip() + " ";
                    lines.set(j, m.group(1) + pad(id, idWidth) + pad(m.group(3) + " ", expectWidth) + m.group(4));
                }
                i = end;
            } else {
                i++;
            }
        }
        return String.join("\n", lines);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static ModeAxis mode(String name, String accessMode, Guarantee... promises) {
        return new ModeAxis(name, accessMode, Collections.unmodifiableSet(EnumSet.copyOf(List.of(promises))));
    }

    private static List<ModeAxis> plainOnly() {
        return MODES.stream().filter(m -> m.accessMode().equals("PLAIN")).toList();
    }

    private static ModeAxis opaque() {
        return MODES.stream().filter(m -> m.accessMode().equals("OPAQUE")).findFirst().orElseThrow();
    }

    /** The widths above {@code bits}: atomicity cannot fail at 8 bits, and the atomics start at 32. */
    private static List<WidthAxis> wider(int bits) {
        return WIDTHS.stream().filter(w -> w.bits() > bits).toList();
    }

    /** The coherence rows' control: every width and segment through memory with a stale copy. */
    private static List<ControlAxis> staleCopy() {
        return List.of(new ControlAxis("StaleCopy", "STALE_COPY", opaque(), WIDTHS, SEGMENTS));
    }

    private static List<WidthAxis> only(int bits) {
        return WIDTHS.stream().filter(w -> w.bits() == bits).toList();
    }

    /** An absent axis still yields one cell: a list holding {@code null}. */
    private static <T> List<T> orSingleAbsent(List<T> axis) {
        return axis.isEmpty() ? Collections.singletonList(null) : axis;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
