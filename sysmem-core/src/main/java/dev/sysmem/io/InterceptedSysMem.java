package dev.sysmem.io;

import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

/**
 * A view whose accesses go to an {@link AccessHandler} instead of memory (see
 * {@link SysMem#intercepted}). Every access makes the full {@link AccessCheck} first, with the
 * messages of an ordinary view, then calls the handler once with the little-endian bits; the view
 * converts big-endian values around the call.
 *
 * <p>{@link #address} is the offset of this view's first byte in the handler's memory, which
 * starts at absolute address 0: alignment is checked against {@code address + offset}, and the
 * handler is told that sum, so every view of one byte names it with the same number.
 *
 * <p>Speed is not a goal here: a handler that schedules threads costs far more than the check.
 */
final class InterceptedSysMem extends SysMem {

    private final AccessHandler handler;

    InterceptedSysMem(AccessHandler handler, String name, long size, long address, AccessMode mode, boolean bigEndian,
                      int widthBits, boolean readOnly) {
        super(name, size, address, mode, bigEndian, widthBits, readOnly);
        this.handler = handler;
    }

    @Override
    public MemorySegment segment() {
        throw new UnsupportedOperationException("region '" + name + "' is intercepted: its accesses go to "
                + handler + " and it has no memory segment of its own");
    }

    @Override
    SysMem view(String newName, long offset, long length, AccessMode newMode, boolean newBigEndian,
                int newWidths, boolean newReadOnly) {
        return new InterceptedSysMem(handler, newName, length, address + offset, newMode, newBigEndian, newWidths, newReadOnly);
    }

    @Override
    MemorySegment layoutProbe(Arena scratch, MemoryLayout layout) {
        // Stands in for the handler's memory so a layout's slice handle can compute offsets; only
        // addresses are read from it. Aligned as this view's start is (the handler's memory starts
        // at address 0, aligned to anything), so the layout's alignment checks pass as they would.
        return scratch.allocate(Math.max(1, layout.byteSize()), Math.max(layout.byteAlignment(), SharedMemory.PAGE_SIZE));
    }

    private void check(long offset, Width width, boolean write) {
        AccessCheck.check(name, size, address, offset, width, widths(), write, readOnly);
    }

    private long handledRead(Width width, long offset, boolean swap) {
        check(offset, width, false);
        long bits = handler.read(name, offset, address + offset, width, mode) & width.mask();
        return swap ? reverse(width, bits) : bits;
    }

    private void handledWrite(Width width, long offset, long value) {
        AccessCheck.checkValue(name, size, offset, width, value);
        check(offset, width, true);
        long bits = value & width.mask();
        handler.write(name, offset, address + offset, width, mode, bigEndian ? reverse(width, bits) : bits);
    }

    /** {@code bits} of {@code width} with their bytes in the other order, zero-extended. */
    private static long reverse(Width width, long bits) {
        return switch (width) {
            case U8 -> bits;
            case U16 -> Short.toUnsignedLong(Short.reverseBytes((short) bits));
            case U32 -> Integer.toUnsignedLong(Integer.reverseBytes((int) bits));
            case U64 -> Long.reverseBytes(bits);
        };
    }

    @Override
    public int read8(long offset) {
        return (int) handledRead(Width.U8, offset, false);
    }

    @Override
    public int read16(long offset) {
        return (int) handledRead(Width.U16, offset, bigEndian);
    }

    @Override
    public int read32(long offset) {
        return (int) handledRead(Width.U32, offset, bigEndian);
    }

    @Override
    public long read64(long offset) {
        return handledRead(Width.U64, offset, bigEndian);
    }

    @Override
    public void write8(long offset, int value) {
        handledWrite(Width.U8, offset, value);
    }

    @Override
    public void write16(long offset, int value) {
        handledWrite(Width.U16, offset, value);
    }

    @Override
    public void write32(long offset, int value) {
        handledWrite(Width.U32, offset, Integer.toUnsignedLong(value));
    }

    @Override
    public void write64(long offset, long value) {
        handledWrite(Width.U64, offset, value);
    }

    // ---- atomics: one handler call each, in little-endian bits ------------------------------------

    /**
     * {@code op} at {@code offset}, operands and result in this view's byte order. A big-endian
     * addition does not commute with the byte swap, so it becomes compare-and-exchange attempts.
     */
    private long atomic(Width width, AtomicOp op, long offset, long expected, long operand) {
        check(offset, width, true);
        long at = address + offset;
        long mask = width.mask();
        if (!bigEndian) {
            return handler.atomic(name, offset, at, width, op, expected & mask, operand & mask) & mask;
        }
        if (op != AtomicOp.GET_AND_ADD) {
            long found = handler.atomic(name, offset, at, width, op,
                    reverse(width, expected & mask), reverse(width, operand & mask)) & mask;
            return reverse(width, found);
        }
        long guess = 0;
        while (true) {
            long sum = reverse(width, (reverse(width, guess) + operand) & mask);
            long found = handler.atomic(name, offset, at, width, AtomicOp.COMPARE_AND_EXCHANGE, guess, sum) & mask;
            if (found == guess) {
                return reverse(width, found);
            }
            guess = found;
        }
    }

    @Override
    public boolean compareAndSet32(long offset, int expected, int value) {
        long found = atomic(Width.U32, AtomicOp.COMPARE_AND_SET, offset, expected, value);
        return (int) found == expected;
    }

    @Override
    public boolean compareAndSet64(long offset, long expected, long value) {
        return atomic(Width.U64, AtomicOp.COMPARE_AND_SET, offset, expected, value) == expected;
    }

    @Override
    public int compareAndExchange32(long offset, int expected, int value) {
        return (int) atomic(Width.U32, AtomicOp.COMPARE_AND_EXCHANGE, offset, expected, value);
    }

    @Override
    public long compareAndExchange64(long offset, long expected, long value) {
        return atomic(Width.U64, AtomicOp.COMPARE_AND_EXCHANGE, offset, expected, value);
    }

    @Override
    public int getAndAdd32(long offset, int delta) {
        return (int) atomic(Width.U32, AtomicOp.GET_AND_ADD, offset, 0, delta);
    }

    @Override
    public long getAndAdd64(long offset, long delta) {
        return atomic(Width.U64, AtomicOp.GET_AND_ADD, offset, 0, delta);
    }

    @Override
    public int getAndSet32(long offset, int value) {
        return (int) atomic(Width.U32, AtomicOp.GET_AND_SET, offset, 0, value);
    }

    @Override
    public long getAndSet64(long offset, long value) {
        return atomic(Width.U64, AtomicOp.GET_AND_SET, offset, 0, value);
    }

    @Override
    public int getAndBitwiseOr32(long offset, int bits) {
        return (int) atomic(Width.U32, AtomicOp.GET_AND_BITWISE_OR, offset, 0, bits);
    }

    @Override
    public long getAndBitwiseOr64(long offset, long bits) {
        return atomic(Width.U64, AtomicOp.GET_AND_BITWISE_OR, offset, 0, bits);
    }

    @Override
    public int getAndBitwiseAnd32(long offset, int bits) {
        return (int) atomic(Width.U32, AtomicOp.GET_AND_BITWISE_AND, offset, 0, bits);
    }

    @Override
    public long getAndBitwiseAnd64(long offset, long bits) {
        return atomic(Width.U64, AtomicOp.GET_AND_BITWISE_AND, offset, 0, bits);
    }
}
