package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.stress.report.Suite;
import org.junit.jupiter.api.Test;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.StateCase;
import org.openjdk.jcstress.infra.TestInfo;
import org.openjdk.jcstress.infra.runners.TestList;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the generated suite, as jcstress's annotation processor compiled it, against docs/DESIGN.md's
 * mode table, written out again here by hand: which mode promises which property, hence which
 * tests mark their weak outcome FORBIDDEN and which ACCEPTABLE_INTERESTING.
 */
class GeneratedSuiteTest {

    private static final Set<AccessMode> NON_PLAIN = EnumSet.of(AccessMode.OPAQUE, AccessMode.ACQUIRE_RELEASE, AccessMode.VOLATILE);
    private static final Set<AccessMode> ORDERED = EnumSet.of(AccessMode.ACQUIRE_RELEASE, AccessMode.VOLATILE);
    private static final Set<AccessMode> SEQUENTIALLY_CONSISTENT = EnumSet.of(AccessMode.VOLATILE);

    /** docs/DESIGN.md: the modes in which each property's weak outcome is forbidden. */
    private static final Map<Property, Set<AccessMode>> FORBIDDEN_IN = Map.ofEntries(
            entry(Property.ATOMICITY, NON_PLAIN),
            entry(Property.NO_ELISION, NON_PLAIN),
            entry(Property.COHERENCE, NON_PLAIN),
            entry(Property.COHERENCE_WW, NON_PLAIN),
            entry(Property.COHERENCE_WR, NON_PLAIN),
            entry(Property.COHERENCE_RW, NON_PLAIN),
            entry(Property.MESSAGE_PASSING, ORDERED),
            entry(Property.LOAD_BUFFERING, ORDERED),
            entry(Property.WRC, ORDERED),
            entry(Property.ISA2, ORDERED),
            entry(Property.PUBLICATION, ORDERED),
            entry(Property.STORE_BUFFERING, SEQUENTIALLY_CONSISTENT),
            entry(Property.IRIW, SEQUENTIALLY_CONSISTENT),
            entry(Property.TWO_PLUS_TWO_W, SEQUENTIALLY_CONSISTENT),
            entry(Property.ATOMICS_STORE_BUFFERING, EnumSet.allOf(AccessMode.class)),
            entry(Property.ATOMICS_IRIW, EnumSet.allOf(AccessMode.class)),
            entry(Property.MIXED_SIZE, EnumSet.noneOf(AccessMode.class)),
            entry(Property.TEARING_CONTROL, EnumSet.noneOf(AccessMode.class)),
            entry(Property.ELISION_CONTROL, EnumSet.noneOf(AccessMode.class)));

    private final List<Suite.Test> suite = Suite.onClasspath().tests();

    /** The tests of the real implementation, without the controls that run through a broken one. */
    private List<Suite.Test> claims() {
        return suite.stream().filter(t -> t.claim().breakage().length == 0).toList();
    }

    @Test
    void everyPropertyIsGeneratedOverEveryWidthModeAndSegmentItClaims() {
        Map<Property, List<Width>> perWidth = Map.ofEntries(
                entry(Property.ATOMICITY, List.of(Width.U16, Width.U32, Width.U64)),
                entry(Property.ATOMICS_STORE_BUFFERING, List.of(Width.U32, Width.U64)),
                entry(Property.ATOMICS_IRIW, List.of(Width.U32, Width.U64)),
                entry(Property.NO_ELISION, List.of(Width.values())),
                entry(Property.COHERENCE, List.of(Width.values())),
                entry(Property.COHERENCE_WW, List.of(Width.values())),
                entry(Property.COHERENCE_WR, List.of(Width.values())),
                entry(Property.COHERENCE_RW, List.of(Width.values())),
                entry(Property.MESSAGE_PASSING, List.of(Width.values())),
                entry(Property.STORE_BUFFERING, List.of(Width.values())),
                entry(Property.LOAD_BUFFERING, List.of(Width.values())),
                entry(Property.IRIW, List.of(Width.values())),
                entry(Property.WRC, List.of(Width.values())),
                entry(Property.ISA2, List.of(Width.values())),
                entry(Property.TWO_PLUS_TWO_W, List.of(Width.values())));
        for (Map.Entry<Property, List<Width>> e : perWidth.entrySet()) {
            Property p = e.getKey();
            for (Width w : e.getValue()) {
                for (AccessMode m : AccessMode.values()) {
                    for (SegmentKind s : SegmentKind.values()) {
                        assertThat(claims()).as("%s %s %s %s", p, w, m, s).filteredOn(t -> t.claim().property() == p
                                && t.claim().mode() == m && List.of(t.claim().width()).equals(List.of(w))
                                && List.of(t.claim().segment()).equals(List.of(s))).hasSize(1);
                    }
                }
            }
        }
        int segments = SegmentKind.values().length;
        int modes = AccessMode.values().length;
        // 12 properties at 4 widths, atomicity at 3, the two atomics rows at 2; publication and mixed
        // sizes at fixed widths; the tearing control per segment, the field-spin control once.
        assertThat(claims()).hasSize((12 * 4 + 3 + 2 * 2 + 2) * modes * segments + segments + 1);
    }

    /** Every claim row that can be shown broken by an implementation has such a control, at the widths and segments of its claims. */
    @Test
    void brokenImplementationControlsCoverTheirRows() {
        Map<Property, Breakage> controlled = Map.of(Property.ATOMICITY, Breakage.SPLIT_WRITE,
                Property.ATOMICS_STORE_BUFFERING, Breakage.ATOMICS_AS_ACQUIRE_RELEASE,
                Property.ATOMICS_IRIW, Breakage.ATOMICS_AS_ACQUIRE_RELEASE);
        for (Map.Entry<Property, Breakage> e : controlled.entrySet()) {
            for (Suite.Test claim : claims()) {
                if (claim.claim().property() != e.getKey()) {
                    continue;
                }
                assertThat(suite).as("control of %s", claim.name()).anyMatch(t -> t.claim().property() == e.getKey()
                        && List.of(t.claim().breakage()).equals(List.of(e.getValue()))
                        && List.of(t.claim().width()).equals(List.of(claim.claim().width()))
                        && List.of(t.claim().segment()).equals(List.of(claim.claim().segment())));
            }
        }
        assertThat(suite).filteredOn(t -> List.of(t.claim().breakage()).equals(List.of(Breakage.HOISTABLE_READ)))
                .singleElement().satisfies(t -> {
                    assertThat(t.claim().property()).isEqualTo(Property.NO_ELISION);
                    assertThat(t.claim().segment()).isEmpty();
                    assertThat(t.termination()).isTrue();
                });
        assertThat(suite).filteredOn(t -> t.claim().breakage().length > 0).allMatch(Suite.Test::allowsWeak);
    }

    @Test
    void classNamesCarryTheVariant() {
        for (Suite.Test t : suite) {
            Claim c = t.claim();
            String simple = t.name().substring(t.name().lastIndexOf('.') + 1);
            Stream.of(c.width()).forEach(w -> assertThat(simple).contains("_" + w.name() + "_"));
            Stream.of(c.segment()).forEach(s -> assertThat(simple).endsWith("_" + camel(s.name())));
            String variant = c.breakage().length > 0 ? "_" + camel(c.breakage()[0].name()) : switch (c.mode()) {
                case PLAIN -> "_Plain";
                case OPAQUE -> "_Opaque";
                case ACQUIRE_RELEASE -> "_AcquireRelease";
                case VOLATILE -> "_Volatile";
            };
            assertThat(simple).contains(variant);
        }
    }

    private static String camel(String constant) {
        StringBuilder out = new StringBuilder();
        for (String part : constant.split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }

    @Test
    void weakOutcomesAreForbiddenExactlyWhereTheModeTablePromisesThem() {
        for (Suite.Test t : claims()) {
            boolean promised = FORBIDDEN_IN.get(t.claim().property()).contains(t.claim().mode());
            TestInfo info = TestList.getInfo(t.name());
            List<Expect> expects = Stream.concat(info.cases().stream(), Stream.of(info.unmatched()))
                    .map(StateCase::expect).toList();
            assertThat(t.allowsWeak()).as("%s allows its weak outcome", t.name()).isEqualTo(!promised);
            if (promised) {
                assertThat(expects).as(t.name()).contains(Expect.FORBIDDEN).doesNotContain(Expect.ACCEPTABLE_INTERESTING);
            }
            if (t.claim().mode() == AccessMode.PLAIN && !promised && t.claim().property() != Property.MIXED_SIZE) {
                // The outcomes a PLAIN test names are all allowed; only values no write produced fall to
                // jcstress's implicit FORBIDDEN default, and CoWR names the one outcome program order
                // forbids in every mode (the initial value read after the thread's own write).
                assertThat(info.cases()).filteredOn(c -> !(t.claim().property() == Property.COHERENCE_WR
                                && c.matchPattern().equals("0, .*")))
                        .extracting(StateCase::expect).as("PLAIN cells are controls: %s", t.name())
                        .doesNotContain(Expect.FORBIDDEN);
            }
        }
    }

    @Test
    void iriwNeedsFourActorsWrcAndIsa2ThreeAndTheTerminationTestsOne() {
        assertThat(suite).filteredOn(t -> t.claim().property() == Property.IRIW || t.claim().property() == Property.ATOMICS_IRIW)
                .allMatch(t -> t.threads() == 4);
        assertThat(suite).filteredOn(t -> t.claim().property() == Property.WRC || t.claim().property() == Property.ISA2)
                .allMatch(t -> t.threads() == 3);
        assertThat(suite).filteredOn(Suite.Test::termination)
                .extracting(t -> t.claim().property())
                .containsOnly(Property.NO_ELISION, Property.ELISION_CONTROL);
    }
}
