package dev.sysmem.explore;

import dev.sysmem.explore.TraceEvent.Kind;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Explored memory under sequential consistency: before each access the calling thread reaches a
 * scheduling point (where another thread may be chosen to run), then the access is made on the
 * explorer's own segment in program order and recorded in the trace. Since exactly one managed
 * thread runs at a time and the turn passes through a volatile write, every thread sees every
 * earlier access: the schedules explored are the interleavings of the threads' accesses, nothing
 * weaker. A weak-memory model is another {@link AccessHandler} in this place.
 *
 * <p>A thread the explorer does not manage (started with {@code new Thread} instead of
 * {@link ExploredRun#thread} or a {@code DeviceRunner}) is refused, naming it: its accesses would
 * happen outside any schedule and could not be replayed.
 */
final class SequentialMemory implements AccessHandler {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ScheduledRun run;
    private final String name;
    private final MemorySegment segment;

    SequentialMemory(ScheduledRun run, String name, MemorySegment segment) {
        this.run = run;
        this.name = name;
        this.segment = segment;
    }

    @Override
    public long read(String region, long offset, long address, Width width, AccessMode mode) {
        ManagedThread me = run.enterMemory(region, offset, "read");
        long value = load(address, width);
        run.record(me, new TraceEvent(me.id, Kind.READ, region, offset, width.bits(), mode(mode), value, run.relativeClock()));
        return value;
    }

    @Override
    public void write(String region, long offset, long address, Width width, AccessMode mode, long value) {
        ManagedThread me = run.enterMemory(region, offset, "wrote");
        store(address, width, value);
        run.record(me, new TraceEvent(me.id, Kind.WRITE, region, offset, width.bits(), mode(mode),
                value & width.mask(), run.relativeClock()));
    }

    @Override
    public long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand) {
        ManagedThread me = run.enterMemory(region, offset, "made an atomic access to");
        long mask = width.mask();
        long old = load(address, width);
        long updated = switch (op) {
            case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> old == (expected & mask) ? operand & mask : old;
            case GET_AND_ADD -> (old + operand) & mask;
            case GET_AND_SET -> operand & mask;
            case GET_AND_BITWISE_OR -> (old | operand) & mask;
            case GET_AND_BITWISE_AND -> old & operand & mask;
        };
        store(address, width, updated);
        run.record(me, new TraceEvent(me.id, Kind.ATOMIC, region, offset, width.bits(),
                op.name().toLowerCase() + " -> 0x" + Long.toHexString(updated), old, run.relativeClock()));
        return old;
    }

    static String mode(AccessMode mode) {
        return switch (mode) {
            case PLAIN -> "plain";
            case OPAQUE -> "opaque";
            case ACQUIRE_RELEASE -> "acq/rel";
            case VOLATILE -> "volatile";
        };
    }

    private long load(long address, Width width) {
        return switch (width) {
            case U8 -> Byte.toUnsignedLong(segment.get(ValueLayout.JAVA_BYTE, address));
            case U16 -> Short.toUnsignedLong(segment.get(U16, address));
            case U32 -> Integer.toUnsignedLong(segment.get(U32, address));
            case U64 -> segment.get(U64, address);
        };
    }

    private void store(long address, Width width, long value) {
        switch (width) {
            case U8 -> segment.set(ValueLayout.JAVA_BYTE, address, (byte) value);
            case U16 -> segment.set(U16, address, (short) value);
            case U32 -> segment.set(U32, address, (int) value);
            case U64 -> segment.set(U64, address, value);
        }
    }

    @Override
    public String toString() {
        return "SequentialMemory[" + name + ", " + segment.byteSize() + " bytes]";
    }
}
