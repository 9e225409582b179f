package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A view whose segment is a compile-time constant, because every view is a class of its own: the
 * contender of issue 9's idea of per-view classes, measured beside {@code SysMem}, the raw handle
 * and the holder floor.
 *
 * <p>How: {@link ConstantSegmentTemplate} is compiled normally but never loaded as itself. Its
 * class-file bytes are defined again for each view with
 * {@link MethodHandles.Lookup#defineHiddenClassWithClassData}, the view's segment and mode access
 * as the class data; the template's static initializer reads them into {@code static final}
 * fields, which C2 folds as constants. So a call site that holds the view by this abstract type
 * (as drivers hold a {@code SysMem}) checks the view's class, as it does for a {@code SysMem}, but
 * loads no segment: the segment's address and size are constants in the compiled code.
 *
 * <p>The price: a call site that sees several views sees several classes, where it sees one
 * {@code SysMem} class per mode. {@link ViewCountKernels} measures that.
 *
 * <p>The hidden classes are defined without {@code STRONG}, so a view's class is unloaded once the
 * view is unreachable (with the lookup's loader alive).
 */
abstract class ConstantSegmentView {

    static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private static final String TEMPLATE = "ConstantSegmentTemplate.class";

    /** The template's bytes, read once; the template class itself is never loaded under its own name. */
    private static final byte[] TEMPLATE_BYTES = templateBytes();

    abstract int read32(long offset);

    abstract long read64(long offset);

    abstract void write32(long offset, int value);

    abstract void write64(long offset, long value);

    /** A view of {@code segment} in {@code mode}, in a hidden class of its own. */
    static ConstantSegmentView of(MemorySegment segment, AccessMode mode) {
        Objects.requireNonNull(segment, "segment");
        try {
            MethodHandles.Lookup view = MethodHandles.lookup().defineHiddenClassWithClassData(TEMPLATE_BYTES,
                    List.of(segment, ModeAccess.of(mode)), true);
            return (ConstantSegmentView) view.findConstructor(view.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("could not define a constant-segment view of " + segment + " in " + mode, e);
        }
    }

    private static byte[] templateBytes() {
        try (InputStream in = ConstantSegmentView.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("the template class file " + TEMPLATE + " is not beside "
                        + ConstantSegmentView.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("could not read the template class file " + TEMPLATE, e);
        }
    }

    /**
     * One mode's accesses, given the segment. Each implementation is a final class with no state,
     * and the template holds its instance in a {@code static final} field: a call on that constant
     * is bound to the one class and inlined, so the mode costs nothing per access. The mode is
     * chosen by an exhaustive switch when the view is made.
     */
    sealed interface ModeAccess {

        int read32(MemorySegment segment, long offset);

        long read64(MemorySegment segment, long offset);

        void write32(MemorySegment segment, long offset, int value);

        void write64(MemorySegment segment, long offset, long value);

        static ModeAccess of(AccessMode mode) {
            return switch (mode) {
                case PLAIN -> new Plain();
                case OPAQUE -> new Opaque();
                case ACQUIRE_RELEASE -> new AcquireRelease();
                case VOLATILE -> new Volatile();
            };
        }
    }

    record Plain() implements ModeAccess {
        public int read32(MemorySegment s, long o) { return (int) U32.get(s, o); }
        public long read64(MemorySegment s, long o) { return (long) U64.get(s, o); }
        public void write32(MemorySegment s, long o, int v) { U32.set(s, o, v); }
        public void write64(MemorySegment s, long o, long v) { U64.set(s, o, v); }
    }

    record Opaque() implements ModeAccess {
        public int read32(MemorySegment s, long o) { return (int) U32.getOpaque(s, o); }
        public long read64(MemorySegment s, long o) { return (long) U64.getOpaque(s, o); }
        public void write32(MemorySegment s, long o, int v) { U32.setOpaque(s, o, v); }
        public void write64(MemorySegment s, long o, long v) { U64.setOpaque(s, o, v); }
    }

    record AcquireRelease() implements ModeAccess {
        public int read32(MemorySegment s, long o) { return (int) U32.getAcquire(s, o); }
        public long read64(MemorySegment s, long o) { return (long) U64.getAcquire(s, o); }
        public void write32(MemorySegment s, long o, int v) { U32.setRelease(s, o, v); }
        public void write64(MemorySegment s, long o, long v) { U64.setRelease(s, o, v); }
    }

    record Volatile() implements ModeAccess {
        public int read32(MemorySegment s, long o) { return (int) U32.getVolatile(s, o); }
        public long read64(MemorySegment s, long o) { return (long) U64.getVolatile(s, o); }
        public void write32(MemorySegment s, long o, int v) { U32.setVolatile(s, o, v); }
        public void write64(MemorySegment s, long o, long v) { U64.setVolatile(s, o, v); }
    }
}
