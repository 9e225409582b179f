package dev.sysmem.io;

/**
 * The width of one device access: 8, 16, 32 or 64 bits, the Java counterpart of the kernel's
 * {@code IoCapable<u8|u16|u32|u64>}.
 *
 * <p><b>Guarantees.</b> {@link #bytes()} is a power of two and equals the natural alignment an
 * access of this width needs: every {@link Io} rejects an access whose absolute address is not a
 * multiple of it, because only aligned accesses are single-copy atomic on the hardware and in the
 * JDK ({@code VarHandle} opaque and stronger modes refuse misaligned addresses).
 *
 * <p>Values travel zero-extended: {@code U8} and {@code U16} in the low bits of an {@code int},
 * {@code U32} as the 32 bits of an {@code int}, {@code U64} as a {@code long}. A value handed to a
 * write may be given signed or unsigned ({@code (byte) 0xff} and {@code 0xff} are the same 8-bit
 * value); anything outside both ranges is refused, see {@link #accepts(long)}.
 *
 * <pre>{@code
 * long value = io.read(Width.U16, 0x10);   // 0..0xffff
 * io.write(Width.U16, 0x10, 0xbeef);
 * }</pre>
 */
public enum Width {
    /** 8 bits, one byte. */
    U8(1),
    /** 16 bits, two bytes. */
    U16(2),
    /** 32 bits, four bytes. */
    U32(4),
    /** 64 bits, eight bytes. */
    U64(8);

    private static final Width[] BY_BYTES = {null, U8, U16, null, U32, null, null, null, U64};

    private final int bytes;

    Width(int bytes) {
        this.bytes = bytes;
    }

    /** Number of bytes an access of this width touches; also its required alignment. */
    public int bytes() {
        return bytes;
    }

    /** Number of bits: 8, 16, 32 or 64. */
    public int bits() {
        return bytes * 8;
    }

    /** The all-ones value of this width, zero-extended into a {@code long}. */
    public long mask() {
        return bytes == 8 ? -1L : (1L << bits()) - 1;
    }

    /**
     * Whether {@code value} is a value of this width, read either as unsigned (0 to 2<sup>n</sup>-1)
     * or as signed (-2<sup>n-1</sup> to -1). For {@code U64} every {@code long} is.
     */
    public boolean accepts(long value) {
        return bytes == 8 || (value >= -(1L << (bits() - 1)) && value <= mask());
    }

    /** The width of {@code bytes} bytes (1, 2, 4 or 8). */
    public static Width ofBytes(int bytes) {
        if (bytes < 1 || bytes > 8 || BY_BYTES[bytes] == null) {
            throw new IllegalArgumentException("no access width of " + bytes + " bytes; widths are 1, 2, 4 and 8 bytes");
        }
        return BY_BYTES[bytes];
    }

    /** The width of {@code bits} bits (8, 16, 32 or 64). */
    public static Width ofBits(int bits) {
        if (bits % 8 != 0) {
            throw new IllegalArgumentException("no access width of " + bits + " bits; widths are 8, 16, 32 and 64 bits");
        }
        return ofBytes(bits / 8);
    }

    @Override
    public String toString() {
        return "u" + bits();
    }
}
