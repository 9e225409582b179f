package dev.sysmem.io;

import java.util.Objects;
import java.util.StringJoiner;

/**
 * A value of a {@link Register}: its raw bits, read from or to be written to the device, with
 * typed access to the fields. Immutable: {@link #with} returns a new value.
 *
 * <p><b>Guarantees.</b> The raw bits always fit the register's width. {@link #get} and
 * {@link #with} accept only fields of this value's register, and {@code with} refuses a value
 * that does not fit the field, naming register, field and value; nothing is truncated silently.
 *
 * <pre>{@code
 * RegisterValue v = CTRL.resetValue().with(ENABLE, 1).with(MODE, 5);
 * CTRL.write(io, v);
 * long mode = CTRL.read(io).get(MODE);
 * }</pre>
 */
public final class RegisterValue {

    private final Register register;
    private final long raw;

    RegisterValue(Register register, long raw) {
        this.register = register;
        this.raw = raw;
    }

    /** The register this is a value of. */
    public Register register() {
        return register;
    }

    /** The raw bits, zero-extended. */
    public long raw() {
        return raw;
    }

    /** The value of {@code field}, shifted down to bit 0. */
    public long get(Field field) {
        requireField(field);
        return (raw & field.mask()) >>> field.lo();
    }

    /** The value of the field called {@code fieldName}. */
    public long get(String fieldName) {
        return get(register.field(fieldName));
    }

    /** Whether any bit of {@code field} is set. */
    public boolean isSet(Field field) {
        return get(field) != 0;
    }

    /**
     * This value with {@code field} set to {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} does not fit the field, or the field is not
     *                                  one of this register's
     */
    public RegisterValue with(Field field, long value) {
        requireField(field);
        if (!field.fits(value)) {
            throw new IllegalArgumentException("register " + register.name() + ": value 0x" + Long.toHexString(value)
                    + " does not fit field " + field.name() + " (" + field.bits() + " bits, at most 0x"
                    + Long.toHexString(field.maxValue()) + ")");
        }
        return new RegisterValue(register, (raw & ~field.mask()) | (value << field.lo()));
    }

    /** This value with the field called {@code fieldName} set to {@code value}. */
    public RegisterValue with(String fieldName, long value) {
        return with(register.field(fieldName), value);
    }

    private void requireField(Field field) {
        Objects.requireNonNull(field, "field");
        if (!register.has(field)) {
            throw new IllegalArgumentException("field " + field.name() + " is not a field of register " + register.name()
                    + "; its fields are " + register.fields().stream().map(Field::name).toList());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisterValue other && other.register.equals(register) && other.raw == raw;
    }

    @Override
    public int hashCode() {
        return register.hashCode() * 31 + Long.hashCode(raw);
    }

    /** For example {@code CTRL=0x0000000b{ENABLE=0x1, MODE=0x5}}. */
    @Override
    public String toString() {
        StringJoiner fields = new StringJoiner(", ", "{", "}");
        for (Field f : register.fields()) {
            fields.add(f.name() + "=0x" + Long.toHexString(get(f)));
        }
        String hex = Long.toHexString(raw);
        String padded = "0".repeat(Math.max(0, register.width().bytes() * 2 - hex.length())) + hex;
        return register.name() + "=0x" + padded + fields;
    }
}
