package dev.sysmem.io;

import java.util.Objects;

/**
 * A named bit range {@code hi:lo} of a register, with the access kind a device gives it.
 * Fields are values: define them once as constants and use them on {@link RegisterValue}s.
 *
 * <p><b>Invariants.</b> {@code 0 <= lo <= hi <= 63}, the name is not blank. Whether the range fits
 * a register's width and does not overlap another field is checked when the register is built.
 *
 * <pre>{@code
 * static final Field ENABLE = Field.bit("ENABLE", 0);
 * static final Field MODE = Field.of("MODE", 3, 1);
 * static final Field ERROR = Field.bit("ERROR", 7, FieldAccess.W1C);
 * }</pre>
 *
 * @param name   the field's name, used in every error message about it
 * @param hi     the most significant bit, inclusive
 * @param lo     the least significant bit, inclusive
 * @param access how the device treats accesses to the field
 */
public record Field(String name, int hi, int lo, FieldAccess access) {

    /** Checks the invariants. */
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a field needs a name");
        }
        if (lo < 0 || hi > 63 || hi < lo) {
            throw new IllegalArgumentException("field " + name + ": bit range " + hi + ":" + lo
                    + " is invalid; need 0 <= lo <= hi <= 63");
        }
    }

    /** A read-write field of bits {@code hi:lo}. */
    public static Field of(String name, int hi, int lo) {
        return new Field(name, hi, lo, FieldAccess.RW);
    }

    /** A field of bits {@code hi:lo} with the given access kind. */
    public static Field of(String name, int hi, int lo, FieldAccess access) {
        return new Field(name, hi, lo, access);
    }

    /** A read-write one-bit field. */
    public static Field bit(String name, int bit) {
        return new Field(name, bit, bit, FieldAccess.RW);
    }

    /** A one-bit field with the given access kind. */
    public static Field bit(String name, int bit, FieldAccess access) {
        return new Field(name, bit, bit, access);
    }

    /** Number of bits. */
    public int bits() {
        return hi - lo + 1;
    }

    /** The largest value the field holds, e.g. 0x7 for a 3-bit field. */
    public long maxValue() {
        return bits() == 64 ? -1L : (1L << bits()) - 1;
    }

    /** The field's bits in place within the register, e.g. 0xe for bits 3:1. */
    public long mask() {
        return maxValue() << lo;
    }

    /** Whether the field holds {@code value} (unsigned, {@code 0..maxValue()}). */
    public boolean fits(long value) {
        return bits() == 64 || (value >>> bits()) == 0;
    }

    @Override
    public String toString() {
        return name + "[" + (hi == lo ? String.valueOf(lo) : hi + ":" + lo) + "," + access + "]";
    }
}
