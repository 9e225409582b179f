package dev.sysmem.io;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * A {@link DirectSysMem} in {@link AccessMode#PLAIN}: plain loads and stores: no ordering, may be merged or elided; a control for stress tests, never a default. Every read is one
 * {@code VarHandle.get}, every write one {@code VarHandle.set}.
 */
final class PlainSysMem extends DirectSysMem {

    /**
     * The segment as a constant, in a copy of this class that {@link ConstantViews} defined for one
     * region; {@code null} in the class loaded by its name, whose views read their own field.
     * Either way {@link #memory()} folds to one of the two when the JIT compiles it.
     */
    private static final MemorySegment CONSTANT = ConstantViews.segmentOf(MethodHandles.lookup());

    PlainSysMem(String name, MemorySegment segment, ConstantViews family) {
        super(name, segment, AccessMode.PLAIN, family);
    }

    private MemorySegment memory() {
        return CONSTANT != null ? CONSTANT : segment;
    }

    @Override
    public int read8(long offset) {
        try {
            return Byte.toUnsignedInt((byte) U8.get(memory(), offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U8, false);
        }
    }

    @Override
    public int read16(long offset) {
        try {
            return Short.toUnsignedInt((short) U16.get(memory(), offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, false);
        }
    }

    @Override
    public int read32(long offset) {
        try {
            return (int) U32.get(memory(), offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, false);
        }
    }

    @Override
    public long read64(long offset) {
        try {
            return (long) U64.get(memory(), offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, false);
        }
    }

    @Override
    public void write8(long offset, int value) {
        if (value < -0x80 || value > 0xff) {
            throw valueRefusal(offset, Width.U8, value);
        }
        try {
            U8.set(memory(), offset, (byte) value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U8, true);
        }
    }

    @Override
    public void write16(long offset, int value) {
        if (value < -0x8000 || value > 0xffff) {
            throw valueRefusal(offset, Width.U16, value);
        }
        try {
            U16.set(memory(), offset, (short) value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, true);
        }
    }

    @Override
    public void write32(long offset, int value) {
        try {
            U32.set(memory(), offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public void write64(long offset, long value) {
        try {
            U64.set(memory(), offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }
}
