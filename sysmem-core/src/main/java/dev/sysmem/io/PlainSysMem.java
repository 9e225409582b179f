package dev.sysmem.io;

import java.lang.foreign.MemorySegment;

/**
 * A {@link DirectSysMem} in {@link AccessMode#PLAIN}: plain loads and stores: no ordering, may be merged or elided; a control for stress tests, never a default. Every read is one
 * {@code VarHandle.get}, every write one {@code VarHandle.set}.
 */
final class PlainSysMem extends DirectSysMem {

    PlainSysMem(String name, MemorySegment segment) {
        super(name, segment, AccessMode.PLAIN);
    }

    @Override
    public int read8(long offset) {
        try {
            return Byte.toUnsignedInt((byte) U8.get(segment, offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U8, false);
        }
    }

    @Override
    public int read16(long offset) {
        try {
            return Short.toUnsignedInt((short) U16.get(segment, offset));
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, false);
        }
    }

    @Override
    public int read32(long offset) {
        try {
            return (int) U32.get(segment, offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, false);
        }
    }

    @Override
    public long read64(long offset) {
        try {
            return (long) U64.get(segment, offset);
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
            U8.set(segment, offset, (byte) value);
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
            U16.set(segment, offset, (short) value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U16, true);
        }
    }

    @Override
    public void write32(long offset, int value) {
        try {
            U32.set(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public void write64(long offset, long value) {
        try {
            U64.set(segment, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }
}
