package dev.sysmem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The four access widths: sizes, masks, and which values a write of each accepts. */
class WidthTest {

    @ParameterizedTest
    @CsvSource({
            "U8,  1, 8,  0xff,               u8",
            "U16, 2, 16, 0xffff,             u16",
            "U32, 4, 32, 0xffffffff,         u32",
            "U64, 8, 64, 0xffffffffffffffff, u64"})
    void sizesAndMasks(Width width, int bytes, int bits, String mask, String name) {
        assertThat(width.bytes()).isEqualTo(bytes);
        assertThat(width.bits()).isEqualTo(bits);
        assertThat(width.mask()).isEqualTo(Long.parseUnsignedLong(mask.substring(2), 16));
        assertThat(width).hasToString(name);
        assertThat(Width.ofBytes(bytes)).isSameAs(width);
        assertThat(Width.ofBits(bits)).isSameAs(width);
    }

    @ParameterizedTest
    @EnumSource(value = Width.class, names = {"U8", "U16", "U32"})
    void acceptsBothReadingsAndNothingWider(Width width) {
        long top = 1L << (width.bits() - 1);
        assertThat(width.accepts(0)).isTrue();
        assertThat(width.accepts(width.mask())).as("largest unsigned").isTrue();
        assertThat(width.accepts(-top)).as("smallest signed").isTrue();
        assertThat(width.accepts(-1)).isTrue();
        assertThat(width.accepts(width.mask() + 1)).isFalse();
        assertThat(width.accepts(-top - 1)).isFalse();
        assertThat(width.accepts(Long.MIN_VALUE)).isFalse();
        assertThat(width.accepts(Long.MAX_VALUE)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE})
    void u64AcceptsEveryLong(long value) {
        assertThat(Width.U64.accepts(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 6, 7, 9, 16, -1})
    void noWidthOfOtherByteCounts(int bytes) {
        assertThatThrownBy(() -> Width.ofBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no access width of " + bytes + " bytes; widths are 1, 2, 4 and 8 bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 12, 24, 128})
    void noWidthOfOtherBitCounts(int bits) {
        assertThatThrownBy(() -> Width.ofBits(bits)).isInstanceOf(IllegalArgumentException.class);
    }
}
