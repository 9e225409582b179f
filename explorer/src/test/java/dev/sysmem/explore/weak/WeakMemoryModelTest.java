package dev.sysmem.explore.weak;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AtomicOp;
import dev.sysmem.io.spi.Fence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.sysmem.explore.weak.Shapes.*;
import static dev.sysmem.io.AccessMode.ACQUIRE_RELEASE;
import static dev.sysmem.io.AccessMode.OPAQUE;
import static dev.sysmem.io.AccessMode.VOLATILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model against the verdicts the Java access modes give the classic shapes (the JAM
 * formalisation, checked there with herd7): every shape appears both where its weak outcome must
 * be reachable and where it must not, so a model too strong and a model too weak both fail here.
 */
class WeakMemoryModelTest {

    private static final Predicate<Map<String, Long>> MP = s -> v(s, "1:r0") == 1 && v(s, "1:r1") == 0;
    private static final Predicate<Map<String, Long>> SB = s -> v(s, "0:r0") == 0 && v(s, "1:r0") == 0;
    private static final Predicate<Map<String, Long>> LB = s -> v(s, "0:r0") == 1 && v(s, "1:r0") == 1;
    private static final Predicate<Map<String, Long>> IRIW =
            s -> v(s, "1:r0") == 1 && v(s, "1:r1") == 0 && v(s, "3:r0") == 1 && v(s, "3:r1") == 0;
    private static final Predicate<Map<String, Long>> TWO_PLUS_TWO_W = s -> v(s, "x") == 1 && v(s, "y") == 1;
    private static final Predicate<Map<String, Long>> WRC = s -> v(s, "1:r0") == 1 && v(s, "2:r0") == 1 && v(s, "2:r1") == 0;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("MP opaque", mp(OPAQUE, OPAQUE, false), MP, true),
                Arguments.of("MP release, opaque read", mp(ACQUIRE_RELEASE, OPAQUE, false), MP, true),
                Arguments.of("MP release/acquire", mp(ACQUIRE_RELEASE, ACQUIRE_RELEASE, false), MP, false),
                Arguments.of("MP opaque + wmb + rmb", mp(OPAQUE, OPAQUE, true), MP, false),
                Arguments.of("MP volatile", mp(VOLATILE, VOLATILE, false), MP, false),
                Arguments.of("SB opaque", sb(OPAQUE, false), SB, true),
                Arguments.of("SB release/acquire", sb(ACQUIRE_RELEASE, false), SB, true),
                Arguments.of("SB volatile", sb(VOLATILE, false), SB, false),
                Arguments.of("SB opaque + mb", sb(OPAQUE, true), SB, false),
                Arguments.of("IRIW opaque", iriw(OPAQUE), IRIW, true),
                Arguments.of("IRIW release/acquire", iriw(ACQUIRE_RELEASE), IRIW, true),
                Arguments.of("IRIW volatile", iriw(VOLATILE), IRIW, false),
                Arguments.of("2+2W opaque", twoPlusTwoW(OPAQUE), TWO_PLUS_TWO_W, true),
                Arguments.of("2+2W release/acquire", twoPlusTwoW(ACQUIRE_RELEASE), TWO_PLUS_TWO_W, true),
                Arguments.of("2+2W volatile", twoPlusTwoW(VOLATILE), TWO_PLUS_TWO_W, false),
                Arguments.of("CoRR opaque", corr(), (Predicate<Map<String, Long>>) s -> v(s, "1:r0") == 1 && v(s, "1:r1") == 0, false),
                Arguments.of("WRC opaque", wrc(OPAQUE, OPAQUE), WRC, true),
                Arguments.of("WRC release/acquire", wrc(ACQUIRE_RELEASE, ACQUIRE_RELEASE), WRC, false),
                Arguments.of("WRC wmb + rmb (wmb is not cumulative)", wrcWmb(), WRC, true));
    }

    @ParameterizedTest(name = "{0}: weak outcome reachable = {3}")
    @MethodSource("shapes")
    void exhaustiveExplorationReachesExactlyTheOutcomesTheModeAllows(String name, Program program,
                                                                     Predicate<Map<String, Long>> weak, boolean allowed) {
        ProgramExplorer.Exploration e = ProgramExplorer.forLitmus().exhaustive(program);
        assertThat(e.complete()).as("explored completely").isTrue();
        assertThat(e.cutOff()).isZero();
        assertThat(e.outcomes().keySet().stream().anyMatch(weak)).as(name).isEqualTo(allowed);
        // The sequentially consistent outcomes are always among them: exploration adds, never removes.
        assertThat(e.outcomes()).isNotEmpty();
    }

    @Test
    void loadBufferingIsAKnownLimitNeverProduced() {
        ProgramExplorer.Exploration e = ProgramExplorer.forLitmus().exhaustive(lb(OPAQUE));
        assertThat(e.outcomes().keySet().stream().anyMatch(LB)).isFalse();
    }

    @Test
    void sequentiallyConsistentChooserGivesOnlyInterleavingOutcomes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128);
            WeakMemory model = new WeakMemory(m, 8, Chooser.sequentiallyConsistent());
            ModelThread a = model.thread("a");
            ModelThread b = model.thread("b");
            model.write(a, "x", 0, Width.U32, OPAQUE, 1);
            model.write(a, "x", 0, Width.U32, OPAQUE, 2);
            assertThat(model.read(b, "x", 0, Width.U32, OPAQUE)).isEqualTo(2);
            assertThat(model.newest(0, Width.U32)).isEqualTo(2);
            assertThat(m.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0)).isEqualTo(2);
        }
    }

    @Test
    void staleReadsAreBoundedByTheHistory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(64);
            int[] offered = new int[1];
            WeakMemory model = new WeakMemory(m, 3, (options, what) -> {
                offered[0] = options;
                return options - 1; // the oldest write still remembered
            });
            ModelThread w = model.thread("w");
            ModelThread r = model.thread("r");
            for (int i = 1; i <= 5; i++) {
                model.write(w, "x", 0, Width.U32, OPAQUE, i);
            }
            // Writes were placed at the end only because the writer's view is always the newest write.
            assertThat(model.read(r, "x", 0, Width.U32, OPAQUE)).isEqualTo(3);
            assertThat(offered[0]).isEqualTo(3);
            // Coherence: having read 3, the reader never goes back.
            assertThat(model.read(r, "x", 0, Width.U32, OPAQUE)).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aPollerSeesTheNewestWriteAfterTheStaleReadBound() {
        try (Arena arena = Arena.ofConfined()) {
            WeakMemory model = new WeakMemory(arena.allocate(64), 8, 3, (options, what) -> options - 1);
            ModelThread writer = model.thread("device");
            ModelThread poller = model.thread("driver");
            model.write(writer, "status", 0, Width.U32, OPAQUE, 1);
            // The chooser always asks for the oldest write: three stale reads, then the bound forces the newest.
            assertThat(model.read(poller, "status", 0, Width.U32, OPAQUE)).isZero();
            assertThat(model.read(poller, "status", 0, Width.U32, OPAQUE)).isZero();
            assertThat(model.read(poller, "status", 0, Width.U32, OPAQUE)).isZero();
            assertThat(model.read(poller, "status", 0, Width.U32, OPAQUE)).isEqualTo(1);
        }
    }

    @Test
    void atomicsReadTheNewestWriteAndNothingGoesBetween() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(64);
            WeakMemory model = new WeakMemory(m, 8, (options, what) -> options - 1);
            ModelThread a = model.thread("a");
            ModelThread b = model.thread("b");
            model.write(a, "x", 0, Width.U32, OPAQUE, 5);
            assertThat(model.update(b, "x", 0, Width.U32, AtomicOp.GET_AND_ADD, 0, 1)).isEqualTo(5);
            assertThat(model.update(b, "x", 0, Width.U32, AtomicOp.COMPARE_AND_SET, 7, 9)).isEqualTo(6);
            assertThat(model.newest(0, Width.U32)).isEqualTo(6);
            // a's view is at its own write 5: the latest slot it may take is right after 6, never between 5 and 6.
            model.write(a, "x", 0, Width.U32, OPAQUE, 8);
            assertThat(model.update(b, "x", 0, Width.U32, AtomicOp.GET_AND_SET, 0, 1)).isEqualTo(8);
        }
    }

    @Test
    void plainAccessesAreReportedAsDataRaces() {
        try (Arena arena = Arena.ofConfined()) {
            WeakMemory model = new WeakMemory(arena.allocate(64), 4, Chooser.sequentiallyConsistent());
            ModelThread a = model.thread("driver");
            model.write(a, "bar+0x8", 8, Width.U32, AccessMode.PLAIN, 1);
            assertThat(model.dataRaces()).singleElement().asString()
                    .contains("driver", "plain write", "bar+0x8", "data race");
        }
    }

    @Test
    void mixedSizeAccessesFallBackToTheNewestValue() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(64);
            WeakMemory model = new WeakMemory(m, 8, (options, what) -> options - 1);
            ModelThread a = model.thread("a");
            ModelThread b = model.thread("b");
            model.write(a, "x", 0, Width.U32, OPAQUE, 0x1111);
            model.write(a, "x", 0, Width.U32, OPAQUE, 0x2222);
            assertThat(model.read(b, "x64", 0, Width.U64, OPAQUE)).isEqualTo(0x2222);
        }
    }

    @Test
    void fencesFollowTheirKinds() {
        // wmb orders the writer's own writes; rmb makes what the reader read acquirable.
        ProgramExplorer.Exploration e = ProgramExplorer.forLitmus().exhaustive(mp(OPAQUE, OPAQUE, true));
        assertThat(e.outcomes().keySet().stream().anyMatch(MP)).isFalse();
        Program onlyWmb = new Program("MP+wmb", List.of(
                List.of(w("x", OPAQUE, 1), f(Fence.WMB), w("y", OPAQUE, 1)),
                List.of(r("r0", "y", OPAQUE), r("r1", "x", OPAQUE))), Map.of(), List.of("x", "y"));
        assertThat(ProgramExplorer.forLitmus().exhaustive(onlyWmb).outcomes().keySet().stream().anyMatch(MP)).isTrue();
    }

    @Test
    void depthFirstChooserRefusesANondeterministicProgram() {
        DepthFirstChooser chooser = new DepthFirstChooser();
        chooser.choose(2, "first");
        chooser.advance();
        assertThatThrownBy(() -> chooser.choose(3, "first"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not deterministic").hasMessageContaining("first");
    }

    @Test
    void seededRandomExplorationReplays() {
        ProgramExplorer explorer = ProgramExplorer.forLitmus();
        assertThat(explorer.random(iriw(OPAQUE), 42, 500).outcomes())
                .isEqualTo(explorer.random(iriw(OPAQUE), 42, 500).outcomes());
    }
}
