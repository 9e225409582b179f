package dev.sysmem.sim;

import dev.sysmem.io.Io;
import dev.sysmem.io.Width;

import java.util.Set;

/** The {@link Io} {@link AccessTrace#wrap} returns: each access goes to the wrapped view, then into the trace. */
final class TracedIo implements Io {

    private static final String ATOMIC = "ATOMIC";

    private final Io io;
    private final AccessTrace trace;
    private final String mode;

    TracedIo(Io io, AccessTrace trace, String mode) {
        this.io = io;
        this.trace = trace;
        this.mode = mode;
    }

    @Override
    public String name() {
        return io.name();
    }

    @Override
    public long size() {
        return io.size();
    }

    @Override
    public Set<Width> widths() {
        return io.widths();
    }

    @Override
    public long read(Width width, long offset) {
        long value = io.read(width, offset);
        trace.record(io.name(), mode, false, width, offset, value);
        return value;
    }

    @Override
    public void write(Width width, long offset, long value) {
        io.write(width, offset, value);
        trace.record(io.name(), mode, true, width, offset, value & width.mask());
    }

    private void atomic(Width width, long offset, long stored) {
        trace.record(io.name(), ATOMIC, true, width, offset, stored & width.mask());
    }

    @Override
    public boolean compareAndSet32(long offset, int expected, int value) {
        boolean set = io.compareAndSet32(offset, expected, value);
        atomic(Width.U32, offset, set ? value : expected);
        return set;
    }

    @Override
    public boolean compareAndSet64(long offset, long expected, long value) {
        boolean set = io.compareAndSet64(offset, expected, value);
        atomic(Width.U64, offset, set ? value : expected);
        return set;
    }

    @Override
    public int compareAndExchange32(long offset, int expected, int value) {
        int found = io.compareAndExchange32(offset, expected, value);
        atomic(Width.U32, offset, found == expected ? value : found);
        return found;
    }

    @Override
    public long compareAndExchange64(long offset, long expected, long value) {
        long found = io.compareAndExchange64(offset, expected, value);
        atomic(Width.U64, offset, found == expected ? value : found);
        return found;
    }

    @Override
    public int getAndAdd32(long offset, int delta) {
        int previous = io.getAndAdd32(offset, delta);
        atomic(Width.U32, offset, previous + delta);
        return previous;
    }

    @Override
    public long getAndAdd64(long offset, long delta) {
        long previous = io.getAndAdd64(offset, delta);
        atomic(Width.U64, offset, previous + delta);
        return previous;
    }

    @Override
    public int getAndSet32(long offset, int value) {
        int previous = io.getAndSet32(offset, value);
        atomic(Width.U32, offset, value);
        return previous;
    }

    @Override
    public long getAndSet64(long offset, long value) {
        long previous = io.getAndSet64(offset, value);
        atomic(Width.U64, offset, value);
        return previous;
    }

    @Override
    public int getAndBitwiseOr32(long offset, int bits) {
        int previous = io.getAndBitwiseOr32(offset, bits);
        atomic(Width.U32, offset, previous | bits);
        return previous;
    }

    @Override
    public long getAndBitwiseOr64(long offset, long bits) {
        long previous = io.getAndBitwiseOr64(offset, bits);
        atomic(Width.U64, offset, previous | bits);
        return previous;
    }

    @Override
    public int getAndBitwiseAnd32(long offset, int bits) {
        int previous = io.getAndBitwiseAnd32(offset, bits);
        atomic(Width.U32, offset, previous & bits);
        return previous;
    }

    @Override
    public long getAndBitwiseAnd64(long offset, long bits) {
        long previous = io.getAndBitwiseAnd64(offset, bits);
        atomic(Width.U64, offset, previous & bits);
        return previous;
    }

    @Override
    public String toString() {
        return "traced " + io;
    }
}
