package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The single-threaded half of the MisalignedRejected claim: SysMem refuses a misaligned access in
 * every mode, on both kinds of memory the stress suites use, and leaves the bytes as they were.
 */
class MisalignedAccessTest {

    static Stream<Arguments> cases() {
        return Stream.of(SegmentKind.values()).flatMap(kind -> Stream.of(AccessMode.values()).flatMap(mode ->
                Stream.of(Width.U16, Width.U32, Width.U64).map(width -> Arguments.of(kind, mode, width))));
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("cases")
    void misalignedWriteIsRefusedBeforeMemoryChanges(SegmentKind kind, AccessMode mode, Width width) {
        try (SlotPool pool = new SlotPool(kind, mode, "misaligned-" + width, 1)) {
            checkRefused(pool, width);
        }
    }

    private static void checkRefused(SlotPool pool, Width width) {
        SysMem io = pool.io();
        long slot = pool.next();
        for (int i = 0; i < 16; i++) {
            io.write8(slot + i, 0x5a);
        }

        assertThatThrownBy(() -> io.write(width, slot + 1, width.mask()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("misaligned")
                .hasMessageContaining(width.toString());
        assertThatThrownBy(() -> io.read(width, slot + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("misaligned");

        for (int i = 0; i < 16; i++) {
            assertThat(pool.segment().get(ValueLayout.JAVA_BYTE, slot + i)).as("byte %d", i).isEqualTo((byte) 0x5a);
        }
    }
}
