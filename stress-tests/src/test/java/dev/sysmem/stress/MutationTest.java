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
 * another {@code -t}), so that the check costs a few forks, not a suite. The last test merges two
 * real runs made here, one clean and one mutated, into one table.
 */
class MutationTest {

    /** The smoke run's jcstress options, as the build passes them; the default is the same string. */
    private static final List<String> SMOKE = List.of(System.getProperty("stress.smoke.options",
            "-m quick -iters 1 -sc false -c 2 -t [.](Atomicity|StoreBuffering|AtomicStoreBuffering|CacheLineTearingControl)_.*_Anonymous$ "
                    + "-jvmArgs -XX:+TieredCompilation").strip().split("\\s+"));

    @TempDir
    Path dir;

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

    private static Cell cell(ClaimsReport report, Property property, AccessMode mode, Width width) {
        return report.matrix().cell(property, mode, Optional.of(SegmentKind.ANONYMOUS), Optional.of(width)).orElseThrow();
    }

    private ClaimsReport mutated(String tests, Breakage breakage) throws Exception {
        Path results = dir.resolve("results-" + breakage);
        int status = SuiteRun.run(smokeRun(results, dir.resolve("report-" + breakage), tests, breakage));
        assertThat(status).as("a run with %s must fail", breakage).isEqualTo(1);
        return ClaimsReport.of(results, Pattern.compile(tests));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSplitWriteTurnsTheAtomicityClaimsRed() throws Exception {
        ClaimsReport report = mutated("[.]Atomicity_U(32|64)_Opaque_Anonymous$", Breakage.SPLIT_WRITE);

        assertThat(cell(report, Property.ATOMICITY, AccessMode.OPAQUE, Width.U64).state()).isEqualTo(CellState.VIOLATED);
        assertThat(cell(report, Property.ATOMICITY, AccessMode.OPAQUE, Width.U32).state()).isEqualTo(CellState.VIOLATED);
        assertThat(report.passes()).isFalse();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void volatileDoneAsAcquireReleaseTurnsStoreBufferingRed() throws Exception {
        ClaimsReport report = mutated("[.]StoreBuffering_U32_Volatile_Anonymous$", Breakage.VOLATILE_AS_ACQUIRE_RELEASE);

        assertThat(cell(report, Property.STORE_BUFFERING, AccessMode.VOLATILE, Width.U32).state()).isEqualTo(CellState.VIOLATED);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void atomicsDoneAsAcquireReleaseTurnTheirStoreBufferingRed() throws Exception {
        ClaimsReport report = mutated("[.]AtomicStoreBuffering_U32_Opaque_Anonymous$", Breakage.ATOMICS_AS_ACQUIRE_RELEASE);

        assertThat(cell(report, Property.ATOMICS_STORE_BUFFERING, AccessMode.OPAQUE, Width.U32).state())
                .isEqualTo(CellState.VIOLATED);
    }

    /** Two real runs made here, the real implementation and a mutated one, merged into one table. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoRealRunsMergeIntoOneTableWithAColumnPerRun() throws Exception {
        String tests = "[.]StoreBuffering_U32_(AcquireRelease|Volatile)_Anonymous$";
        Path clean = dir.resolve("clean");
        Path broken = dir.resolve("broken");
        assertThat(SuiteRun.run(smokeRun(clean, dir.resolve("clean-report"), tests, null))).isZero();
        assertThat(SuiteRun.run(smokeRun(broken, dir.resolve("broken-report"), tests, Breakage.VOLATILE_AS_ACQUIRE_RELEASE)))
                .isEqualTo(1);
        Map<String, Path> runs = new LinkedHashMap<>();
        runs.put("sysmem", clean);
        runs.put("volatile-as-acqrel", broken);

        int status = ClaimsMerge.run(new String[] {"--run", "sysmem=" + clean, "--run", "volatile-as-acqrel=" + broken,
                "--out", dir.resolve("merged").toString()}, System.out, System.err);

        assertThat(status).isEqualTo(1);
        String merged = Files.readString(dir.resolve("merged").resolve(ClaimsMerge.MARKDOWN));
        assertThat(merged).contains("| Run | CPU | JVM | jcstress | Verdict |").contains("| sysmem | ")
                .contains("| volatile-as-acqrel | ").contains("FAIL: volatile-as-acqrel: 1 VIOLATED cell");
        String volatileRow = Arrays.stream(merged.split("\n"))
                .filter(l -> l.startsWith("| Store buffering (SB) | u32 | VOLATILE | anon |")).findFirst().orElseThrow();
        assertThat(volatileRow).contains("| VIOLATED ").endsWith("| VIOLATED |");
        assertThat(merged).doesNotContain("| Message passing (MP) |");
        assertThat(ClaimsMerge.of(runs).runs().get("sysmem").passes()).isTrue();
    }
}
