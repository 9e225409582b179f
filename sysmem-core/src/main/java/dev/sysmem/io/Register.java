package dev.sysmem.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A device register definition: name, offset, width, reset value and named bit fields; the
 * counterpart of the kernel's {@code register!} macro. Definitions are checked when built, the way
 * the macro's checks run at build time, so a wrong definition fails when the class holding it is
 * loaded, not when a device misbehaves.
 *
 * <p><b>Invariants</b>, checked by {@link Builder#build()} with a message naming the register:
 * the offset is non-negative and aligned to the width; every field lies inside the width; no two
 * fields share a bit or a name; the reset value fits the width.
 *
 * <p>A register is <em>absolute</em> (its offset is from the start of the {@link Io}) or
 * <em>relative</em> (its offset is from a base given at each access: one definition for several
 * instances of a block). {@link #alias} gives another field set over the same address;
 * {@link #array} gives {@code count} registers {@code stride} bytes apart.
 *
 * <pre>{@code
 * static final Field ENABLE = Field.bit("ENABLE", 0);
 * static final Field MODE = Field.of("MODE", 3, 1);
 * static final Register CTRL = Register.builder("CTRL", 0x20, Width.U32).reset(0x2).fields(ENABLE, MODE).build();
 *
 * RegisterValue ctrl = CTRL.read(io);
 * if (ctrl.get(MODE) == 1) { ... }
 * CTRL.write(io, ctrl.with(ENABLE, 1));
 * CTRL.update(io, v -> v.with(MODE, 3));
 * }</pre>
 */
public final class Register {

    private final String name;
    private final long offset;
    private final Width width;
    private final long reset;
    private final List<Field> fields;
    private final boolean relative;
    /** The built definition this one is, or is an alias or array element of: values may pass between aliases. */
    private final Register family;

    private Register(String name, long offset, Width width, long reset, List<Field> fields, boolean relative,
                     Register family) {
        this.name = name;
        this.offset = offset;
        this.width = width;
        this.reset = reset;
        this.fields = fields;
        this.relative = relative;
        this.family = family == null ? this : family;
    }

    /** Starts the definition of an absolute register. */
    public static Builder builder(String name, long offset, Width width) {
        return new Builder(name, offset, width);
    }

    /** An absolute register with reset value 0 and the given fields. */
    public static Register of(String name, long offset, Width width, Field... fields) {
        return builder(name, offset, width).fields(fields).build();
    }

    /** The register's name. */
    public String name() {
        return name;
    }

    /** Offset in bytes: from the start of the region, or from the base if {@link #isRelative()}. */
    public long offset() {
        return offset;
    }

    /** The width every access to this register uses. */
    public Width width() {
        return width;
    }

    /** Whether the offset is relative to a base given at each access. */
    public boolean isRelative() {
        return relative;
    }

    /** The fields, in the order they were defined. */
    public List<Field> fields() {
        return fields;
    }

    /** The field called {@code fieldName}. */
    public Field field(String fieldName) {
        for (Field f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("register " + name + " has no field " + fieldName + "; its fields are "
                + fields.stream().map(Field::name).toList());
    }

    /** Whether {@code field} is one of this register's fields. */
    public boolean has(Field field) {
        for (Field f : fields) {
            if (f == field) {
                return true;           // the field constants a register was built from: no equals() needed
            }
        }
        return fields.contains(field);
    }

    /** The value the register holds after reset. */
    public RegisterValue resetValue() {
        return new RegisterValue(this, reset);
    }

    /**
     * A value of this register with raw bits {@code raw}. A 32-bit register also takes its bits
     * as a Java {@code int} ({@code value(0x8000_0000)}, whose {@code long} is negative), as
     * {@link Io#write32} does.
     *
     * @throws IllegalArgumentException if {@code raw} has bits above the register's width
     */
    public RegisterValue value(long raw) {
        if (!fitsWidth(width, raw)) {
            throw new IllegalArgumentException("register " + name + ": value 0x" + Long.toHexString(raw)
                    + " does not fit in " + width.bits() + " bits");
        }
        return new RegisterValue(this, raw & width.mask());
    }

    /**
     * Whether {@code raw} is a value of {@code width}: no bits above it, or for 32 bits an
     * {@code int}'s sign extension, because {@code 0xffff_ffff} written in Java is the int -1 and
     * reaches a {@code long} parameter as -1. 8 and 16-bit literals are never negative, so there
     * a negative value is a mistake and is refused.
     */
    private static boolean fitsWidth(Width width, long raw) {
        return (raw & ~width.mask()) == 0 || (width == Width.U32 && raw >= Integer.MIN_VALUE && raw < 0);
    }

    /**
     * Another view of the same address: same offset, width, reset value and relativity, other
     * fields (checked as at build time). Values of a register and of its aliases may be written
     * through either.
     */
    public Register alias(String aliasName, Field... aliasFields) {
        Builder b = new Builder(aliasName, offset, width).reset(reset).fields(aliasFields);
        if (relative) {
            b.relative();
        }
        Register built = b.build();
        return new Register(built.name, offset, width, reset, built.fields, relative, family);
    }

    /**
     * {@code count} registers like this one, {@code stride} bytes apart, the first at this
     * register's offset.
     *
     * @throws IllegalArgumentException if {@code count < 1}, or {@code stride} is smaller than the
     *                                  width or not a multiple of it, or the last element's offset overflows
     */
    public RegisterArray array(int count, long stride) {
        return new RegisterArray(this, count, stride);
    }

    /** This definition at another offset under another name; used by {@link RegisterArray}. */
    Register moved(String newName, long newOffset) {
        return new Register(newName, newOffset, width, reset, fields, relative, family);
    }

    // ---- access ------------------------------------------------------------------------------

    /**
     * Reads this absolute register.
     *
     * @throws IllegalStateException if the register is relative (use {@link #read(Io, long)})
     */
    public RegisterValue read(Io io) {
        requireAbsolute("read");
        return new RegisterValue(this, io.read(width, offset));
    }

    /**
     * Reads this relative register of the instance at {@code base}.
     *
     * @throws IllegalStateException if the register is absolute (use {@link #read(Io)})
     */
    public RegisterValue read(Io io, long base) {
        return new RegisterValue(this, io.read(width, address(base, "read")));
    }

    /**
     * Writes {@code value} to this absolute register.
     *
     * @throws IllegalArgumentException if {@code value} is a value of another register (one that is
     *                                  neither this register nor an alias of it)
     * @throws IllegalStateException if the register is relative (use {@link #write(Io, long, RegisterValue)})
     */
    public void write(Io io, RegisterValue value) {
        requireAbsolute("write");
        io.write(width, offset, own(value));
    }

    /**
     * Writes {@code value} to this relative register of the instance at {@code base}.
     *
     * @throws IllegalArgumentException if {@code value} is a value of another register
     * @throws IllegalStateException if the register is absolute (use {@link #write(Io, RegisterValue)})
     */
    public void write(Io io, long base, RegisterValue value) {
        io.write(width, address(base, "write"), own(value));
    }

    /**
     * Reads this absolute register, applies {@code change} and writes the result; returns it. A
     * read followed by a write, not atomic (as the kernel's {@code update}).
     */
    public RegisterValue update(Io io, UnaryOperator<RegisterValue> change) {
        RegisterValue updated = change.apply(read(io));
        write(io, updated);
        return updated;
    }

    /** {@link #update(Io, UnaryOperator)} for the relative register of the instance at {@code base}. */
    public RegisterValue update(Io io, long base, UnaryOperator<RegisterValue> change) {
        RegisterValue updated = change.apply(read(io, base));
        write(io, base, updated);
        return updated;
    }

    private void requireAbsolute(String what) {
        if (relative) {
            throw new IllegalStateException("register " + name + " is relative (offset +0x" + Long.toHexString(offset)
                    + " from a base): " + what + " it with a base");
        }
    }

    private long address(long base, String what) {
        if (!relative) {
            throw new IllegalStateException("register " + name + " is absolute (offset 0x" + Long.toHexString(offset)
                    + "): " + what + " it without a base");
        }
        if (base < 0 || base > Long.MAX_VALUE - offset) {
            throw new IndexOutOfBoundsException("register " + name + ": base " + AccessCheck.hex(base)
                    + " + offset 0x" + Long.toHexString(offset) + " is not a valid offset");
        }
        return base + offset;
    }

    private long own(RegisterValue value) {
        Register other = Objects.requireNonNull(value, "value").register();
        if (other == this) {
            return value.raw();        // the common case, without the structural comparison below
        }
        boolean aliasOfThis = other.family.equals(family) && other.offset == offset && other.width == width
                && other.relative == relative;
        if (!other.equals(this) && !aliasOfThis) {
            throw new IllegalArgumentException("cannot write a value of register " + other.name + " (0x"
                    + Long.toHexString(other.offset) + ", " + other.width + ") to register " + name + " (0x"
                    + Long.toHexString(offset) + ", " + width + "): only values of " + name
                    + " or of its aliases fit it");
        }
        return value.raw();
    }

    /**
     * Registers are equal when their definitions are: name, offset, width, reset value, fields and
     * relativity; so {@code array.at(3)} fetched twice is the same register.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Register r && r.name.equals(name) && r.offset == offset && r.width == width
                && r.reset == reset && r.fields.equals(fields) && r.relative == relative;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, offset, width, reset, fields, relative);
    }

    @Override
    public String toString() {
        return name + "@" + (relative ? "+" : "") + "0x" + Long.toHexString(offset) + ":" + width + fields;
    }

    /**
     * Collects a register definition; {@link #build()} checks it.
     */
    public static final class Builder {
        private final String name;
        private final long offset;
        private final Width width;
        private long reset;
        private final List<Field> fields = new ArrayList<>();
        private boolean relative;

        private Builder(String name, long offset, Width width) {
            this.name = Objects.requireNonNull(name, "name");
            this.offset = offset;
            this.width = Objects.requireNonNull(width, "width");
        }

        /** The value after reset (default 0). */
        public Builder reset(long value) {
            this.reset = value;
            return this;
        }

        /** Adds fields. */
        public Builder fields(Field... more) {
            fields.addAll(Arrays.asList(more));
            return this;
        }

        /** Adds a read-write field of bits {@code hi:lo}. */
        public Builder field(String fieldName, int hi, int lo) {
            fields.add(Field.of(fieldName, hi, lo));
            return this;
        }

        /** Adds a field of bits {@code hi:lo} with an access kind. */
        public Builder field(String fieldName, int hi, int lo, FieldAccess access) {
            fields.add(Field.of(fieldName, hi, lo, access));
            return this;
        }

        /** Makes the offset relative to a base given at each access. */
        public Builder relative() {
            this.relative = true;
            return this;
        }

        /**
         * Checks the definition and returns the register.
         *
         * @throws IllegalArgumentException naming the register and what is wrong with it
         */
        public Register build() {
            if (name.isBlank()) {
                throw new IllegalArgumentException("a register needs a name");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("register " + name + ": offset " + offset + " is negative");
            }
            if (offset % width.bytes() != 0) {
                throw new IllegalArgumentException("register " + name + ": offset 0x" + Long.toHexString(offset)
                        + " is misaligned for a " + width + " register (needs a multiple of " + width.bytes() + ")");
            }
            if (!fitsWidth(width, reset)) {
                throw new IllegalArgumentException("register " + name + ": reset value 0x" + Long.toHexString(reset)
                        + " does not fit in " + width.bits() + " bits");
            }
            reset &= width.mask();
            for (int i = 0; i < fields.size(); i++) {
                Field f = Objects.requireNonNull(fields.get(i), "field");
                if (f.hi() >= width.bits()) {
                    throw new IllegalArgumentException("register " + name + ": field " + f.name() + " (bits "
                            + f.hi() + ":" + f.lo() + ") lies outside the register's " + width.bits() + " bits");
                }
                for (int j = 0; j < i; j++) {
                    Field g = fields.get(j);
                    if (g.name().equals(f.name())) {
                        throw new IllegalArgumentException("register " + name + ": two fields are named " + f.name());
                    }
                    if ((g.mask() & f.mask()) != 0) {
                        throw new IllegalArgumentException("register " + name + ": field " + f.name() + " (bits "
                                + f.hi() + ":" + f.lo() + ") overlaps field " + g.name() + " (bits " + g.hi() + ":"
                                + g.lo() + ")");
                    }
                }
            }
            return new Register(name, offset, width, reset, List.copyOf(fields), relative, null);
        }
    }
}
