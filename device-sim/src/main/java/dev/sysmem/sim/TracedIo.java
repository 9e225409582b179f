package dev.sysmem.sim;

import dev.sysmem.io.Io;
import dev.sysmem.io.Width;

import java.util.Set;

/** The {@link Io} {@link AccessTrace#wrap} returns: each access goes to the wrapped view, then into the trace. */
sealed class TracedIo implements Io permits TracedAtomicIo {

    final Io io;
    final AccessTrace trace;
    final String mode;

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

    @Override
    public String toString() {
        return "traced " + io;
    }
}
