package dev.sysmem.bench.cputime;

import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * The template of {@link ConstantSegmentView}: never loaded under its own name, only defined as a
 * hidden class per view, whose class data is {@code [segment, mode access]}. The {@code static
 * final} fields are what C2 folds; the accesses catch the handle's exceptions as {@code SysMem}
 * does, so that the two differ only in where the segment comes from.
 */
final class ConstantSegmentTemplate extends ConstantSegmentView {

    private static final MemorySegment SEGMENT;
    private static final ModeAccess ACCESS;

    static {
        try {
            MethodHandles.Lookup self = MethodHandles.lookup();
            SEGMENT = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, MemorySegment.class, 0);
            ACCESS = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, ModeAccess.class, 1);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (SEGMENT == null || ACCESS == null) {
            throw new IllegalStateException("the template was loaded as itself, not defined as a hidden class with its class data");
        }
    }

    ConstantSegmentTemplate() {
    }

    @Override
    int read32(long offset) {
        try {
            return ACCESS.read32(SEGMENT, offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, 4);
        }
    }

    @Override
    long read64(long offset) {
        try {
            return ACCESS.read64(SEGMENT, offset);
        } catch (RuntimeException e) {
            throw failure(e, offset, 8);
        }
    }

    @Override
    void write32(long offset, int value) {
        try {
            ACCESS.write32(SEGMENT, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, 4);
        }
    }

    @Override
    void write64(long offset, long value) {
        try {
            ACCESS.write64(SEGMENT, offset, value);
        } catch (RuntimeException e) {
            throw failure(e, offset, 8);
        }
    }

    private static RuntimeException failure(RuntimeException e, long offset, int bytes) {
        return new IndexOutOfBoundsException("the " + bytes + "-byte access at offset " + offset + " of a "
                + SEGMENT.byteSize() + "-byte view failed: " + e.getMessage());
    }
}
