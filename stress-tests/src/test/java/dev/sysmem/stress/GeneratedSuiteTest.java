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

    /** docs/DESIGN.md: the modes in which each property's weak outcome is forbidden. */
    private static final Map<Property, Set<AccessMode>> FORBIDDEN_IN = Map.ofEntries(
            entry(Property.ATOMICITY, NON_PLAIN),
            entry(Property.NO_ELISION, NON_PLAIN),
            entry(Property.COHERENCE, NON_PLAIN),
            entry(Property.MESSAGE_PASSING, ORDERED),
            entry(Property.LOAD_BUFFERING, ORDERED),
            entry(Property.PUBLICATION, ORDERED),
            entry(Property.STORE_BUFFERING, EnumSet.of(AccessMode.VOLATILE)),
            entry(Property.IRIW, EnumSet.of(AccessMode.VOLATILE)),
            entry(Property.MISALIGNED_REJECTED, EnumSet.allOf(AccessMode.class)),
            entry(Property.MIXED_SIZE, EnumSet.noneOf(AccessMode.class)),
            entry(Property.TEARING_CONTROL, EnumSet.noneOf(AccessMode.class)),
            entry(Property.ELISION_CONTROL, EnumSet.noneOf(AccessMode.class)));

    private final List<Suite.Test> suite = Suite.onClasspath().tests();

    @Test
    void everyPropertyIsGeneratedOverEveryWidthModeAndSegmentItClaims() {
        List<Property> perWidth = List.of(Property.ATOMICITY, Property.NO_ELISION, Property.COHERENCE,
                Property.MESSAGE_PASSING, Property.STORE_BUFFERING, Property.LOAD_BUFFERING, Property.IRIW);
        for (Property p : perWidth) {
            for (Width w : Width.values()) {
                for (AccessMode m : AccessMode.values()) {
                    for (SegmentKind s : SegmentKind.values()) {
                        assertThat(suite).as("%s %s %s %s", p, w, m, s).filteredOn(t -> t.claim().property() == p
                                && t.claim().mode() == m && List.of(t.claim().width()).equals(List.of(w))
                                && List.of(t.claim().segment()).equals(List.of(s))).hasSize(1);
                    }
                }
            }
        }
        // 7 per-width properties x 4 widths x 4 modes x 2 segments, publication and mixed sizes x 4 x 2,
        // misaligned x 3 widths x 4 x 2, the tearing control x 2 segments, the field-spin control.
        assertThat(suite).hasSize(7 * 32 + 2 * 8 + 24 + 2 + 1);
    }

    @Test
    void classNamesCarryTheVariant() {
        for (Suite.Test t : suite) {
            Claim c = t.claim();
            String simple = t.name().substring(t.name().lastIndexOf('.') + 1);
            Stream.of(c.width()).forEach(w -> assertThat(simple).contains("_" + w.name() + "_"));
            Stream.of(c.segment()).forEach(s -> assertThat(simple).endsWith(s == SegmentKind.ANONYMOUS ? "_Anonymous" : "_FileBacked"));
            String mode = switch (c.mode()) {
                case PLAIN -> "_Plain";
                case OPAQUE -> "_Opaque";
                case ACQUIRE_RELEASE -> "_AcquireRelease";
                case VOLATILE -> "_Volatile";
            };
            assertThat(simple).contains(mode);
        }
    }

    @Test
    void weakOutcomesAreForbiddenExactlyWhereTheModeTablePromisesThem() {
        for (Suite.Test t : suite) {
            boolean promised = FORBIDDEN_IN.get(t.claim().property()).contains(t.claim().mode());
            TestInfo info = TestList.getInfo(t.name());
            List<Expect> expects = Stream.concat(info.cases().stream(), Stream.of(info.unmatched()))
                    .map(StateCase::expect).toList();
            assertThat(t.allowsWeak()).as("%s allows its weak outcome", t.name()).isEqualTo(!promised);
            if (promised) {
                assertThat(expects).as(t.name()).contains(Expect.FORBIDDEN).doesNotContain(Expect.ACCEPTABLE_INTERESTING);
            }
            if (t.claim().mode() == AccessMode.PLAIN && t.claim().property() != Property.MISALIGNED_REJECTED
                    && t.claim().property() != Property.MIXED_SIZE) {
                // The outcomes a PLAIN test names are all allowed; only values no write produced fall to
                // jcstress's implicit FORBIDDEN default.
                assertThat(info.cases()).extracting(StateCase::expect).as("PLAIN cells are controls: %s", t.name())
                        .doesNotContain(Expect.FORBIDDEN);
            }
        }
    }

    @Test
    void iriwNeedsFourActorsAndTheTerminationTestsOne() {
        assertThat(suite).filteredOn(t -> t.claim().property() == Property.IRIW).allMatch(t -> t.threads() == 4);
        assertThat(suite).filteredOn(Suite.Test::termination)
                .extracting(t -> t.claim().property())
                .containsOnly(Property.NO_ELISION, Property.ELISION_CONTROL);
    }
}
