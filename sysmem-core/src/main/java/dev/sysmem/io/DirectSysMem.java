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
 * <p>What a view still costs over the raw handle, per access: the load of {@code segment} and,
 * where the caller holds the view as a {@code SysMem}, a check of its class. C2 compiles an
 * opaque or stronger access as a barrier for all of memory, so both are made again for every
 * access, as the raw handle's caller reloads its own field and the segment's. A record or another
 * field the JIT trusts as final would not keep the segment in a register across that barrier
 * either; only a caller holding the segment itself in a local does (the benchmarks module's
 * {@code asm} directory shows each shape).
 *
 * <p>The atomics are the same in every mode (sequentially consistent), so they live here.
 */
abstract sealed class DirectSysMem extends SysMem
        permits PlainSysMem, OpaqueSysMem, AcquireReleaseSysMem, VolatileSysMem {

    static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    final MemorySegment segment;

    DirectSysMem(String name, MemorySegment segment, AccessMode mode) {
        super(name, segment.byteSize(), segment.address(), mode, false, ALL_WIDTHS, false);
        this.segment = segment;
    }

    @Override
    public final MemorySegment segment() {
        return segment;
    }

    @Override
    final SysMem view(String newName, long offset, long length, AccessMode newMode, boolean newBigEndian,
                      int newWidths, boolean newReadOnly) {
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
