package dev.sysmem.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The views drivers use most: little-endian, every width, writable, over memory that cannot vanish
 * under a live mapping (anonymous memory, a sealed memfd). There is one final subclass per
 * {@link AccessMode}, and each of its reads and writes is a single {@code VarHandle} call in that
 * mode, plus the value range check of the 8- and 16-bit writes, which the JDK cannot make. Bounds,
 * the absolute alignment and the memory's liveness are the {@code VarHandle}'s checks; its
 * exceptions become this view's messages in {@link #failure}.
 *
 * <p>Why a class per mode rather than a switch per access: a call site sees the one class of the
 * views it is given, so C2 inlines the access with nothing to decode, and a program that uses all
 * four modes elsewhere does not pollute that call site's profile.
 *
 * <p>What a view costs over the raw handle, per access: where the caller holds the view as a
 * {@code SysMem}, a check of its class, and the load of {@code segment}. C2 compiles an opaque or
 * stronger access as a barrier for all of memory, so a field is loaded again for every access (the
 * raw handle's caller reloads its own field and the segment's too); a record or another field the
 * JIT trusts as final does not change that, since trust only folds the fields of a constant object.
 * So a view of a whole region is a class of its own ({@link ConstantViews}): the mode's class
 * defined again as a hidden class whose class data is the segment, read into a {@code static final}
 * field the JIT folds. Its accesses load no segment at all (address and size are constants in the
 * compiled code), only the class check remains. Slices are views of the mode's class loaded by its
 * name, which read their field: they are made per request (a DMA window, a descriptor's buffer), and
 * a class per slice would be defined, and would start interpreted, for each.
 *
 * <p>Not sealed: a hidden class cannot be a permitted subclass. The class is package-private and
 * its constructor too, so nothing outside this package can extend it.
 *
 * <p>The atomics are the same in every mode (sequentially consistent), so they live here.
 */
abstract non-sealed class DirectSysMem extends SysMem {

    static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    final MemorySegment segment;

    /** The classes of this region's whole views, if this is one of them; {@code null} for a slice. */
    private final ConstantViews family;

    DirectSysMem(String name, MemorySegment segment, AccessMode mode, ConstantViews family) {
        super(name, segment.byteSize(), segment.address(), mode, false, ALL_WIDTHS, false);
        this.segment = segment;
        this.family = family;
    }

    @Override
    public final MemorySegment segment() {
        return segment;
    }

    @Override
    final SysMem view(String newName, long offset, long length, AccessMode newMode, boolean newBigEndian,
                      int newWidths, boolean newReadOnly) {
        if (family != null && offset == 0 && length == size() && !newBigEndian && newWidths == ALL_WIDTHS && !newReadOnly) {
            return family.view(newName, newMode);
        }
        return over(newName, segment.asSlice(offset, length), false, newMode, newBigEndian, newWidths, newReadOnly);
    }

    @Override
    final MemorySegment layoutProbe(Arena scratch, MemoryLayout layout) {
        return segment;
    }

    @Override
    public final boolean compareAndSet32(long offset, int expected, int value) {
        try {
            return U32.compareAndSet(segment, offset, expected, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public final boolean compareAndSet64(long offset, long expected, long value) {
        try {
            return U64.compareAndSet(segment, offset, expected, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }

    @Override
    public final int compareAndExchange32(long offset, int expected, int value) {
        try {
            return (int) U32.compareAndExchange(segment, offset, expected, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public final long compareAndExchange64(long offset, long expected, long value) {
        try {
            return (long) U64.compareAndExchange(segment, offset, expected, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }

    @Override
    public final int getAndAdd32(long offset, int delta) {
        try {
            return (int) U32.getAndAdd(segment, offset, delta);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public final long getAndAdd64(long offset, long delta) {
        try {
            return (long) U64.getAndAdd(segment, offset, delta);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }

    @Override
    public final int getAndSet32(long offset, int value) {
        try {
            return (int) U32.getAndSet(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public final long getAndSet64(long offset, long value) {
        try {
            return (long) U64.getAndSet(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }

    @Override
    public final int getAndBitwiseOr32(long offset, int bits) {
        try {
            return (int) U32.getAndBitwiseOr(segment, offset, bits);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public final long getAndBitwiseOr64(long offset, long bits) {
        try {
            return (long) U64.getAndBitwiseOr(segment, offset, bits);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }

    @Override
    public final int getAndBitwiseAnd32(long offset, int bits) {
        try {
            return (int) U32.getAndBitwiseAnd(segment, offset, bits);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public final long getAndBitwiseAnd64(long offset, long bits) {
        try {
            return (long) U64.getAndBitwiseAnd(segment, offset, bits);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }
}
