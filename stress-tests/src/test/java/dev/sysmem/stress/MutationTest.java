package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.report.Cell;
import dev.sysmem.stress.report.CellState;
import dev.sysmem.stress.report.ClaimsMerge;
import dev.sysmem.stress.report.ClaimsReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite's power, tested: real jcstress runs with the smoke run's options (those of
 * {@code mvn verify}), each through one deliberately {@link Breakage broken implementation} of
 * {@code SysMem}'s accesses, must go red, and the claims they break must read VIOLATED. The
 * breakage reaches the forks as {@code -Dsysmem.stress.breakage=NAME}, which makes every
 * {@link SlotPool} hand out broken views; the product is not touched.
 *
 * <p>Each run selects only the tests of the row its breakage attacks (the smoke run's options with
 * another {@code -t}), so that the check costs a few forks, not a suite: three jcstress runs in
 * all, shared by the tests (the clean and the VOLATILE-as-ACQUIRE_RELEASE run of store buffering
 * are also the two real runs the merge test merges). Like every jcstress run, these need the
 * machine's CPUs: on a machine so loaded that the two actors are rarely on CPU together, a
 * mutation may go unseen, and the test says which.
 */
class MutationTest {

    /** The smoke run's jcstress options, as the build passes them; the default is the same string. */
    private static final List<String> SMOKE = List.of(System.getProperty("stress.smoke.options",
            "-m quick -sc false -c 2 -t [.](Atomicity_U[0-9]+_(Opaque|AcquireRelease|Volatile|SplitWrite)|StoreBuffering_U[0-9]+_(AcquireRelease|Volatile)|AtomicStoreBuffering_.*|CacheLineTearingControl_.*)_Anonymous$ "
                    + "-jvmArgs -XX:+TieredCompilation").strip().split("\\s+"));

    private static final String STORE_BUFFERING = "[.]StoreBuffering_U32_(AcquireRelease|Volatile)_Anonymous$";
    /**
     * The smoke's store-buffering cells: VOLATILE and its ACQUIRE_RELEASE control at every width. SB's
     * weak outcome comes in bursts, in some forks and not others (0.06% of one run's samples, all in
     * one fork), so a single VOLATILE test done as ACQUIRE_RELEASE can miss it; the smoke has four.
     */
    private static final String STORE_BUFFERING_ALL_WIDTHS = "[.]StoreBuffering_U(8|16|32|64)_(AcquireRelease|Volatile)_Anonymous$";
    private static final String ATOMICITY = "[.]Atomicity_U(16|32|64)_Opaque_Anonymous$";

    @TempDir
    static Path dir;

    /** Results directories of the runs made so far, by name, so that tests share them. */
    private static final Map<String, Path> RUNS = new LinkedHashMap<>();
    private static final Map<String, Integer> STATUS = new LinkedHashMap<>();

    /** The smoke options with the filter {@code tests} and, when not null, {@code breakage} in every fork. */
    private static String[] smokeRun(Path results, Path report, String tests, Breakage breakage) {
        List<String> options = new ArrayList<>(SMOKE);
        int t = options.indexOf("-t");
        options.set(t + 1, tests);
        options.addAll(List.of("-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED"
                + (breakage == null ? "" : " -D" + Breakage.PROPERTY + "=" + breakage.name())));
        List<String> args = new ArrayList<>(List.of("--results", results.toString(), "--report", report.toString(), "--"));
        args.addAll(options);
        return args.toArray(new String[0]);
    }

    /** Runs (once) the smoke options on {@code tests} through {@code breakage} (null: the real implementation). */
    private static synchronized Path run(String name, String tests, Breakage breakage) throws Exception {
        if (!RUNS.containsKey(name)) {
            Path results = dir.resolve(name);
            STATUS.put(name, SuiteRun.run(smokeRun(results, dir.resolve(name + "-report"), tests, breakage)));
            RUNS.put(name, results);
        }
        return RUNS.get(name);
    }

    private static Cell cell(ClaimsReport report, Property property, AccessMode mode, Width width) {
        return report.matrix().cell(property, mode, Optional.of(SegmentKind.ANONYMOUS), Optional.of(width)).orElseThrow();
    }

    private static ClaimsReport mutated(String name, String tests, Breakage breakage) throws Exception {
        Path results = run(name, tests, breakage);
        ClaimsReport report = ClaimsReport.of(results, Pattern.compile(tests));
        assertThat(STATUS.get(name)).as("a run through %s must fail; its report: %s", breakage, report.verdict()).isEqualTo(1);
        return report;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSplitWriteTurnsTheAtomicityClaimsRed() throws Exception {
        ClaimsReport report = mutated("split-write", ATOMICITY, Breakage.SPLIT_WRITE);

        // The reader must land between two stores of the writer a few nanoseconds apart: on an idle
        // machine every width tears, on a loaded one (the actors rarely on CPU together) not always
        // every width, so the row, not each cell, must go red.
        assertThat(List.of(Width.U16, Width.U32, Width.U64)).extracting(w -> cell(report, Property.ATOMICITY, AccessMode.OPAQUE, w))
                .anyMatch(c -> c.state() == CellState.VIOLATED)
                .noneMatch(c -> c.state() == CellState.HOLDS);
        assertThat(report.passes()).isFalse();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void volatileDoneAsAcquireReleaseTurnsStoreBufferingRed() throws Exception {
        ClaimsReport report = mutated("volatile-as-acqrel", STORE_BUFFERING_ALL_WIDTHS, Breakage.VOLATILE_AS_ACQUIRE_RELEASE);

        // As for the split write: the row, not each width, must go red (see STORE_BUFFERING_ALL_WIDTHS).
        assertThat(List.of(Width.values())).extracting(w -> cell(report, Property.STORE_BUFFERING, AccessMode.VOLATILE, w))
                .anyMatch(c -> c.state() == CellState.VIOLATED);
        assertThat(report.passes()).isFalse();
    }

    /** Two real runs made here, the real implementation and a mutated one, merged into one table. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoRealRunsMergeIntoOneTableWithAColumnPerRun() throws Exception {
        Path clean = run("sysmem", STORE_BUFFERING, null);
        Path broken = run("volatile-as-acqrel", STORE_BUFFERING_ALL_WIDTHS, Breakage.VOLATILE_AS_ACQUIRE_RELEASE);
        assertThat(STATUS.get("sysmem")).as("the real implementation passes").isZero();
        Map<String, Path> runs = new LinkedHashMap<>();
        runs.put("sysmem", clean);
        runs.put("volatile-as-acqrel", broken);

        int status = ClaimsMerge.run(new String[] {"--run", "sysmem=" + clean, "--run", "volatile-as-acqrel=" + broken,
                "--out", dir.resolve("merged").toString()}, System.out, System.err);

        assertThat(status).isEqualTo(STATUS.get("volatile-as-acqrel") == 0 ? 0 : 1);
        String merged = Files.readString(dir.resolve("merged").resolve(ClaimsMerge.MARKDOWN));
        assertThat(merged).contains("| Run | CPU | JVM | jcstress | Verdict |").contains("| sysmem | ")
                .contains("| volatile-as-acqrel | ");
        String volatileRow = Arrays.stream(merged.split("\n"))
                .filter(l -> l.startsWith("| Store buffering (SB) | u32 | VOLATILE | anon |")).findFirst().orElseThrow();
        ClaimsMerge merge = ClaimsMerge.of(runs);
        Cell real = cell(merge.runs().get("sysmem"), Property.STORE_BUFFERING, AccessMode.VOLATILE, Width.U32);
        Cell mutant = cell(merge.runs().get("volatile-as-acqrel"), Property.STORE_BUFFERING, AccessMode.VOLATILE, Width.U32);
        assertThat(volatileRow).isEqualTo("| Store buffering (SB) | u32 | VOLATILE | anon | " + real.shortText() + " | "
                + mutant.shortText() + " | " + ClaimsMerge.overall(List.of(Optional.of(real), Optional.of(mutant))) + " |");
        assertThat(merged).doesNotContain("| Message passing (MP) |");
        assertThat(merge.runs().get("sysmem").passes()).isTrue();
    }
}
