package dev.sysmem.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The views that need more than a {@code VarHandle} call: restricted widths, read-only,
 * big-endian, or a mapped file that a peer may truncate ({@code guarded}). Each access first makes
 * the checks that set this view apart (value range, width, writability), then either hands the
 * access to the {@link DirectSysMem} of the same mode over the same memory, converting the byte
 * order around it, or, for a guarded file, makes it through {@link MappedAccess}, where a lost
 * page becomes a {@link MemoryFault}.
 *
 * <p>These views are rarer than the direct ones and may pay a call more; the direct view they
 * delegate to has the same name, size and address, so its messages for bounds, alignment, closed
 * memory and wrong threads read exactly as this view's own.
 */
final class GeneralSysMem extends SysMem {

    private static final VarHandle U32_BE = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).varHandle();
    private static final VarHandle U64_BE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).varHandle();

    private final MemorySegment segment;
    /** Whether the segment maps a file a peer may truncate; accesses then go through {@link MappedAccess}. */
    private final boolean guarded;
    /** The direct view of the same memory and mode that unguarded accesses go to; null when guarded. */
    private final DirectSysMem direct;

    GeneralSysMem(String name, MemorySegment segment, boolean guarded, AccessMode mode, boolean bigEndian,
                  int widthBits, boolean readOnly) {
        super(name, segment.byteSize(), segment.address(), mode, bigEndian, widthBits, readOnly);
        this.segment = segment;
        this.guarded = guarded;
        this.direct = guarded ? null : direct(name, segment, mode);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    SysMem view(String newName, long offset, long length, AccessMode newMode, boolean newBigEndian,
                int newWidths, boolean newReadOnly) {
        return over(newName, segment.asSlice(offset, length), guarded, newMode, newBigEndian, newWidths, newReadOnly);
    }

    @Override
    MemorySegment layoutProbe(Arena scratch, MemoryLayout layout) {
        return segment;
    }

    private boolean refusesRead(int bytes) {
        return (widthBits & bytes) == 0;
    }

    private boolean refusesWrite(int bytes) {
        return readOnly || (widthBits & bytes) == 0;
    }

    // ---- the guarded path for mapped files a peer may truncate -----------------------------------

    private long guardedRead(Width width, long offset) {
        try {
            return MappedAccess.access(MappedAccess.readCode(width, mode), segment, offset, 0, 0);
        } catch (RuntimeException e) {
            throw failure(e, offset, width, false);
        } catch (InternalError e) {
            throw new MemoryFault(name, size, offset, width, false, e);
        }
    }

    private void guardedWrite(Width width, long offset, long value) {
        try {
            MappedAccess.access(MappedAccess.writeCode(width, mode), segment, offset, value, 0);
        } catch (RuntimeException e) {
            throw failure(e, offset, width, true);
        } catch (InternalError e) {
            throw new MemoryFault(name, size, offset, width, true, e);
        }
    }

    private long guardedAtomic(int op, Width width, long offset, long value, long expected) {
        try {
            // See MappedAccess: the JVM cannot recover from a fault in a compare-and-set, so fault first, here.
            MappedAccess.access(MappedAccess.TOUCH, segment, offset, 0, 0);
            return MappedAccess.access(op, segment, offset, value, expected);
        } catch (RuntimeException e) {
            throw failure(e, offset, width, true);
        } catch (InternalError e) {
            throw new MemoryFault(name, size, offset, width, true, e);
        }
    }

    // ---- reads and writes ------------------------------------------------------------------------

    @Override
    public int read8(long offset) {
        if (refusesRead(1)) {
            throw refusal(offset, Width.U8, false);
        }
        return guarded ? (int) guardedRead(Width.U8, offset) : direct.read8(offset);
    }

    @Override
    public int read16(long offset) {
        if (refusesRead(2)) {
            throw refusal(offset, Width.U16, false);
        }
        short bits = (short) (guarded ? guardedRead(Width.U16, offset) : direct.read16(offset));
        return Short.toUnsignedInt(bigEndian ? Short.reverseBytes(bits) : bits);
    }

    @Override
    public int read32(long offset) {
        if (refusesRead(4)) {
            throw refusal(offset, Width.U32, false);
        }
        int bits = guarded ? (int) guardedRead(Width.U32, offset) : direct.read32(offset);
        return bigEndian ? Integer.reverseBytes(bits) : bits;
    }

    @Override
    public long read64(long offset) {
        if (refusesRead(8)) {
            throw refusal(offset, Width.U64, false);
        }
        long bits = guarded ? guardedRead(Width.U64, offset) : direct.read64(offset);
        return bigEndian ? Long.reverseBytes(bits) : bits;
    }

    @Override
    public void write8(long offset, int value) {
        if (value < -0x80 || value > 0xff) {
            throw valueRefusal(offset, Width.U8, value);
        }
        if (refusesWrite(1)) {
            throw refusal(offset, Width.U8, true);
        }
        if (guarded) {
            guardedWrite(Width.U8, offset, (byte) value);
        } else {
            direct.write8(offset, value);
        }
    }

    @Override
    public void write16(long offset, int value) {
        if (value < -0x8000 || value > 0xffff) {
            throw valueRefusal(offset, Width.U16, value);
        }
        if (refusesWrite(2)) {
            throw refusal(offset, Width.U16, true);
        }
        short bits = bigEndian ? Short.reverseBytes((short) value) : (short) value;
        if (guarded) {
            guardedWrite(Width.U16, offset, bits);
        } else {
            direct.write16(offset, bits);
        }
    }

    @Override
    public void write32(long offset, int value) {
        if (refusesWrite(4)) {
            throw refusal(offset, Width.U32, true);
        }
        int bits = bigEndian ? Integer.reverseBytes(value) : value;
        if (guarded) {
            guardedWrite(Width.U32, offset, bits);
        } else {
            direct.write32(offset, bits);
        }
    }

    @Override
    public void write64(long offset, long value) {
        if (refusesWrite(8)) {
            throw refusal(offset, Width.U64, true);
        }
        long bits = bigEndian ? Long.reverseBytes(value) : value;
        if (guarded) {
            guardedWrite(Width.U64, offset, bits);
        } else {
            direct.write64(offset, bits);
        }
    }

    // ---- atomics ---------------------------------------------------------------------------------
    //
    // Big-endian views swap the operands and the result: equality and bitwise operations commute
    // with a byte swap. Addition does not, so getAndAdd uses a big-endian handle instead.

    private void checkAtomic(long offset, Width width) {
        if (refusesWrite(width.bytes())) {
            throw refusal(offset, width, true);
        }
    }

    private int swap(int v) {
        return bigEndian ? Integer.reverseBytes(v) : v;
    }

    private long swap(long v) {
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    @Override
    public boolean compareAndSet32(long offset, int expected, int value) {
        checkAtomic(offset, Width.U32);
        return guarded
                ? guardedAtomic(MappedAccess.CAS32, Width.U32, offset, swap(value), swap(expected)) != 0
                : direct.compareAndSet32(offset, swap(expected), swap(value));
    }

    @Override
    public boolean compareAndSet64(long offset, long expected, long value) {
        checkAtomic(offset, Width.U64);
        return guarded
                ? guardedAtomic(MappedAccess.CAS64, Width.U64, offset, swap(value), swap(expected)) != 0
                : direct.compareAndSet64(offset, swap(expected), swap(value));
    }

    @Override
    public int compareAndExchange32(long offset, int expected, int value) {
        checkAtomic(offset, Width.U32);
        return swap(guarded
                ? (int) guardedAtomic(MappedAccess.CAE32, Width.U32, offset, swap(value), swap(expected))
                : direct.compareAndExchange32(offset, swap(expected), swap(value)));
    }

    @Override
    public long compareAndExchange64(long offset, long expected, long value) {
        checkAtomic(offset, Width.U64);
        return swap(guarded
                ? guardedAtomic(MappedAccess.CAE64, Width.U64, offset, swap(value), swap(expected))
                : direct.compareAndExchange64(offset, swap(expected), swap(value)));
    }

    @Override
    public int getAndAdd32(long offset, int delta) {
        checkAtomic(offset, Width.U32);
        if (guarded) {
            return (int) guardedAtomic(bigEndian ? MappedAccess.ADD32_BE : MappedAccess.ADD32, Width.U32, offset, delta, 0);
        }
        if (!bigEndian) {
            return direct.getAndAdd32(offset, delta);
        }
        try {
            return (int) U32_BE.getAndAdd(segment, offset, delta);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U32, true);
        }
    }

    @Override
    public long getAndAdd64(long offset, long delta) {
        checkAtomic(offset, Width.U64);
        if (guarded) {
            return guardedAtomic(bigEndian ? MappedAccess.ADD64_BE : MappedAccess.ADD64, Width.U64, offset, delta, 0);
        }
        if (!bigEndian) {
            return direct.getAndAdd64(offset, delta);
        }
        try {
            return (long) U64_BE.getAndAdd(segment, offset, delta);
        } catch (RuntimeException e) {
            throw failure(e, offset, Width.U64, true);
        }
    }

    @Override
    public int getAndSet32(long offset, int value) {
        checkAtomic(offset, Width.U32);
        return swap(guarded
                ? (int) guardedAtomic(MappedAccess.SET32, Width.U32, offset, swap(value), 0)
                : direct.getAndSet32(offset, swap(value)));
    }

    @Override
    public long getAndSet64(long offset, long value) {
        checkAtomic(offset, Width.U64);
        return swap(guarded
                ? guardedAtomic(MappedAccess.SET64, Width.U64, offset, swap(value), 0)
                : direct.getAndSet64(offset, swap(value)));
    }

    @Override
    public int getAndBitwiseOr32(long offset, int bits) {
        checkAtomic(offset, Width.U32);
        return swap(guarded
                ? (int) guardedAtomic(MappedAccess.OR32, Width.U32, offset, swap(bits), 0)
                : direct.getAndBitwiseOr32(offset, swap(bits)));
    }

    @Override
    public long getAndBitwiseOr64(long offset, long bits) {
        checkAtomic(offset, Width.U64);
        return swap(guarded
                ? guardedAtomic(MappedAccess.OR64, Width.U64, offset, swap(bits), 0)
                : direct.getAndBitwiseOr64(offset, swap(bits)));
    }

    @Override
    public int getAndBitwiseAnd32(long offset, int bits) {
        checkAtomic(offset, Width.U32);
        return swap(guarded
                ? (int) guardedAtomic(MappedAccess.AND32, Width.U32, offset, swap(bits), 0)
                : direct.getAndBitwiseAnd32(offset, swap(bits)));
    }

    @Override
    public long getAndBitwiseAnd64(long offset, long bits) {
        checkAtomic(offset, Width.U64);
        return swap(guarded
                ? guardedAtomic(MappedAccess.AND64, Width.U64, offset, swap(bits), 0)
                : direct.getAndBitwiseAnd64(offset, swap(bits)));
    }
}
