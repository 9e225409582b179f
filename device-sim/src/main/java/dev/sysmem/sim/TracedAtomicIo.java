package dev.sysmem.sim;

import dev.sysmem.io.AtomicIo;
import dev.sysmem.io.Width;

/** The {@link AtomicIo} {@link AccessTrace#wrap(AtomicIo)} returns: a {@link TracedIo} that records atomics too. */
final class TracedAtomicIo extends TracedIo implements AtomicIo {

    private static final String ATOMIC = "ATOMIC";

    private final AtomicIo atomics;

    TracedAtomicIo(AtomicIo io, AccessTrace trace, String mode) {
        super(io, trace, mode);
        this.atomics = io;
    }

    private void atomic(Width width, long offset, long stored) {
        trace.record(io.name(), ATOMIC, true, width, offset, stored & width.mask());
    }

    @Override
    public boolean compareAndSet32(long offset, int expected, int value) {
        boolean set = atomics.compareAndSet32(offset, expected, value);
        atomic(Width.U32, offset, set ? value : expected);
        return set;
    }

    @Override
    public boolean compareAndSet64(long offset, long expected, long value) {
        boolean set = atomics.compareAndSet64(offset, expected, value);
        atomic(Width.U64, offset, set ? value : expected);
        return set;
    }

    @Override
    public int compareAndExchange32(long offset, int expected, int value) {
        int found = atomics.compareAndExchange32(offset, expected, value);
        atomic(Width.U32, offset, found == expected ? value : found);
        return found;
    }

    @Override
    public long compareAndExchange64(long offset, long expected, long value) {
        long found = atomics.compareAndExchange64(offset, expected, value);
        atomic(Width.U64, offset, found == expected ? value : found);
        return found;
    }

    @Override
    public int getAndAdd32(long offset, int delta) {
        int previous = atomics.getAndAdd32(offset, delta);
        atomic(Width.U32, offset, previous + delta);
        return previous;
    }

    @Override
    public long getAndAdd64(long offset, long delta) {
        long previous = atomics.getAndAdd64(offset, delta);
        atomic(Width.U64, offset, previous + delta);
        return previous;
    }

    @Override
    public int getAndSet32(long offset, int value) {
        int previous = atomics.getAndSet32(offset, value);
        atomic(Width.U32, offset, value);
        return previous;
    }

    @Override
    public long getAndSet64(long offset, long value) {
        long previous = atomics.getAndSet64(offset, value);
        atomic(Width.U64, offset, value);
        return previous;
    }

    @Override
    public int getAndBitwiseOr32(long offset, int bits) {
        int previous = atomics.getAndBitwiseOr32(offset, bits);
        atomic(Width.U32, offset, previous | bits);
        return previous;
    }

    @Override
    public long getAndBitwiseOr64(long offset, long bits) {
        long previous = atomics.getAndBitwiseOr64(offset, bits);
        atomic(Width.U64, offset, previous | bits);
        return previous;
    }

    @Override
    public int getAndBitwiseAnd32(long offset, int bits) {
        int previous = atomics.getAndBitwiseAnd32(offset, bits);
        atomic(Width.U32, offset, previous & bits);
        return previous;
    }

    @Override
    public long getAndBitwiseAnd64(long offset, long bits) {
        long previous = atomics.getAndBitwiseAnd64(offset, bits);
        atomic(Width.U64, offset, previous & bits);
        return previous;
    }

}
