package dev.sysmem.io;

import java.lang.foreign.MemorySegment;

/**
 * A {@link DirectSysMem} in {@link AccessMode#OPAQUE}: opaque accesses, the kernel's {@code READ_ONCE}/{@code WRITE_ONCE}: never torn, merged or elided, coherent per location, no ordering. Every read is one
 * {@code VarHandle.getOpaque}, every write one {@code VarHandle.setOpaque}.
 */
final class OpaqueSysMem extends DirectSysMem {

    OpaqueSysMem(String name, MemorySegment segment) {
        super(name, segment, AccessMode.OPAQUE);
    }

    @Override
    public int read8(long offset) {
        try {
            return Byte.toUnsignedInt((byte) U8.getOpaque(segment, offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U8, false);
        }
    }

    @Override
    public int read16(long offset) {
        try {
            return Short.toUnsignedInt((short) U16.getOpaque(segment, offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, false);
        }
    }

    @Override
    public int read32(long offset) {
        try {
            return (int) U32.getOpaque(segment, offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, false);
        }
    }

    @Override
    public long read64(long offset) {
        try {
            return (long) U64.getOpaque(segment, offset);
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
            U8.setOpaque(segment, offset, (byte) value);
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
            U16.setOpaque(segment, offset, (short) value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, true);
        }
    }

    @Override
    public void write32(long offset, int value) {
        try {
            U32.setOpaque(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public void write64(long offset, long value) {
        try {
            U64.setOpaque(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }
}
