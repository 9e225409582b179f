package dev.sysmem.io;

import java.lang.foreign.MemorySegment;

/**
 * A {@link DirectSysMem} in {@link AccessMode#ACQUIRE_RELEASE}: acquire loads and release stores, the ordering of the kernel's {@code readl}/{@code writel}. Every read is one
 * {@code VarHandle.getAcquire}, every write one {@code VarHandle.setRelease}.
 */
final class AcquireReleaseSysMem extends DirectSysMem {

    AcquireReleaseSysMem(String name, MemorySegment segment) {
        super(name, segment, AccessMode.ACQUIRE_RELEASE);
    }

    @Override
    public int read8(long offset) {
        try {
            return Byte.toUnsignedInt((byte) U8.getAcquire(segment, offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U8, false);
        }
    }

    @Override
    public int read16(long offset) {
        try {
            return Short.toUnsignedInt((short) U16.getAcquire(segment, offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, false);
        }
    }

    @Override
    public int read32(long offset) {
        try {
            return (int) U32.getAcquire(segment, offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, false);
        }
    }

    @Override
    public long read64(long offset) {
        try {
            return (long) U64.getAcquire(segment, offset);
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
            U8.setRelease(segment, offset, (byte) value);
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
            U16.setRelease(segment, offset, (short) value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, true);
        }
    }

    @Override
    public void write32(long offset, int value) {
        try {
            U32.setRelease(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public void write64(long offset, long value) {
        try {
            U64.setRelease(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }
}
