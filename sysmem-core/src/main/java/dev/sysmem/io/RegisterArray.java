package dev.sysmem.io;

/**
 * {@code count} registers of one definition, {@code stride} bytes apart, such as a table of
 * per-queue doorbells or a bank of scratch registers; element {@code i} is named {@code NAME[i]}.
 *
 * <p><b>Invariants.</b> {@code count >= 1}; {@code stride} is at least the width and a multiple
 * of it, so elements neither overlap nor misalign; the last element's offset does not overflow.
 * {@link #at} checks the index.
 *
 * <pre>{@code
 * static final RegisterArray SCRATCH = Register.of("SCRATCH", 0x100, Width.U32).array(16, 4);
 * SCRATCH.at(3).write(io, SCRATCH.at(3).value(0xdead));
 * }</pre>
 */
public final class RegisterArray {

    private final Register first;
    private final int count;
    private final long stride;

    RegisterArray(Register first, int count, long stride) {
        int bytes = first.width().bytes();
        if (count < 1) {
            throw new IllegalArgumentException("register array " + first.name() + ": count must be at least 1, was " + count);
        }
        if (stride < bytes || stride % bytes != 0) {
            throw new IllegalArgumentException("register array " + first.name() + ": stride " + stride
                    + " must be a multiple of the register width (" + bytes + " bytes) and at least that");
        }
        if ((count - 1) > (Long.MAX_VALUE - first.offset()) / stride) {
            throw new IllegalArgumentException("register array " + first.name() + ": " + count + " elements "
                    + stride + " bytes apart overflow the offset range");
        }
        this.first = first;
        this.count = count;
        this.stride = stride;
    }

    /** Number of elements. */
    public int count() {
        return count;
    }

    /** Bytes between consecutive elements. */
    public long stride() {
        return stride;
    }

    /** The definition of element 0. */
    public Register first() {
        return first;
    }

    /**
     * Element {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, count)}
     */
    public Register at(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("register array " + first.name() + " has " + count
                    + " elements; index " + index + " is out of range");
        }
        return first.moved(first.name() + "[" + index + "]", first.offset() + index * stride);
    }

    @Override
    public String toString() {
        return first.name() + "[" + count + "] stride " + stride + " from " + first;
    }
}
