package dev.sysmem.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A control for {@link AccessModeRoutingTest}: the accesses a VOLATILE view makes, except that its
 * 32-bit write is a release store, the mistake x86-64 cannot show (a release store and a volatile
 * one differ only by the StoreLoad fence, which TSO never needs for the behaviours the tests here
 * can see). The routing check must refuse it; if it accepted it, it could not catch a mode routed
 * to a weaker access.
 */
final class MisroutedVolatileView {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment segment;

    MisroutedVolatileView(MemorySegment segment) {
        this.segment = segment;
    }

    byte read8(long offset) {
        return (byte) U8.getVolatile(segment, offset);
    }

    short read16(long offset) {
        return (short) U16.getVolatile(segment, offset);
    }

    int read32(long offset) {
        return (int) U32.getVolatile(segment, offset);
    }

    long read64(long offset) {
        return (long) U64.getVolatile(segment, offset);
    }

    void write8(long offset, byte value) {
        U8.setVolatile(segment, offset, value);
    }

    void write16(long offset, short value) {
        U16.setVolatile(segment, offset, value);
    }

    void write32(long offset, int value) {
        U32.setRelease(segment, offset, value);
    }

    void write64(long offset, long value) {
        U64.setVolatile(segment, offset, value);
    }
}
