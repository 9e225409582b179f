package dev.sysmem.io;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * A {@link DirectSysMem} in {@link AccessMode#ACQUIRE_RELEASE}: acquire loads and release stores, the ordering of the kernel's {@code readl}/{@code writel}. Every read is one
 * {@code VarHandle.getAcquire}, every write one {@code VarHandle.setRelease}.
 */
final class AcquireReleaseSysMem extends DirectSysMem {

    /**
     * The segment as a constant, in a copy of this class that {@link ConstantViews} defined for one
     * region; {@code null} in the class loaded by its name, whose views read their own field.
     * Either way {@link #memory()} folds to one of the two when the JIT compiles it.
     */
    private static final MemorySegment CONSTANT = ConstantViews.segmentOf(MethodHandles.lookup());

    AcquireReleaseSysMem(String name, MemorySegment segment, ConstantViews family) {
        super(name, segment, AccessMode.ACQUIRE_RELEASE, family);
    }

    private MemorySegment memory() {
        return CONSTANT != null ? CONSTANT : segment;
    }

    @Override
    public int read8(long offset) {
        try {
            return Byte.toUnsignedInt((byte) U8.getAcquire(memory(), offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U8, false);
        }
    }

    @Override
    public int read16(long offset) {
        try {
            return Short.toUnsignedInt((short) U16.getAcquire(memory(), offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, false);
        }
    }

    @Override
    public int read32(long offset) {
        try {
            return (int) U32.getAcquire(memory(), offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, false);
        }
    }

    @Override
    public long read64(long offset) {
        try {
            return (long) U64.getAcquire(memory(), offset);
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
            U8.setRelease(memory(), offset, (byte) value);
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
            U16.setRelease(memory(), offset, (short) value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, true);
        }
    }

    @Override
    public void write32(long offset, int value) {
        try {
            U32.setRelease(memory(), offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public void write64(long offset, long value) {
        try {
            U64.setRelease(memory(), offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }
}
