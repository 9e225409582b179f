package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A probe of the one cell family where SysMem misses its bar: the 16-access u32 volatile write loop,
 * written in shapes that all make the same stores (same segment, offsets, values, order) and the same
 * full fence after each, and differ only in how the segment is reached, i.e. in the checks and loads
 * C2 puts around each store. If the raw loop's speed came from doing less work, every shape with
 * less work would be as fast; the {@code volatile-shapes} set shows whether it does.
 *
 * <p>Not part of the access tables: {@link CpuTimeFork} runs it only as {@code --set volatile-shapes}.
 */
final class VolatileWriteShapeKernels {

    private static final String CELL = "u32 volatile write x16";
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** A record, as in {@link HeldSegmentKernels}: a field C2 trusts as final. */
    record Holder(MemorySegment segment) {
    }

    // Non-final, as in RawKernels: reloaded by the JIT as a driver's fields are.
    private MemorySegment segment;
    private long offset;
    private long zero;
    private Holder held;
    private SysMem view;

    VolatileWriteShapeKernels(SysMem view, MemorySegment segment, long offset) {
        this.view = view.withMode(AccessMode.VOLATILE);
        this.segment = segment;
        this.offset = offset;
        this.held = new Holder(segment);
    }

    List<TimedKernel> kernels() {
        return List.of(
                kernel("raw: segment and offset fields, as RawKernels", this::raw),
                kernel("raw: written as setRelease + fullFence", this::releaseThenFullFence),
                kernel("raw: segment and offset in locals (less work)", this::hoisted),
                kernel("raw: + one field load per access", this::oneMoreLoad),
                kernel("raw: segment through a record", this::holder),
                kernel("raw: record's segment in a local (less work)", this::holderHoisted),
                kernel("SysMem: view field, as SysMemKernels", this::sysmem),
                kernel("SysMem: view in a local", this::sysmemHoisted));
    }

    private TimedKernel kernel(String contender, Kernel body) {
        return new TimedKernel(contender, CELL, AccessMode.VOLATILE, 16, body);
    }

    private long raw(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    /** The same machine code as setVolatile on x86 (the release fence is empty); a control of the probe. */
    private long releaseThenFullFence(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setRelease(segment, offset + k, (int) (i + k));
                VarHandle.fullFence();
            }
        }
        return 0;
    }

    private long hoisted(long iterations) {
        MemorySegment s = segment;
        long o = offset;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(s, o + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long oneMoreLoad(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(segment, offset + zero + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long holder(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(held.segment(), offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long holderHoisted(long iterations) {
        MemorySegment s = held.segment();
        long o = offset;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(s, o + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long sysmem(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                view.write32(offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long sysmemHoisted(long iterations) {
        SysMem v = view;
        long o = offset;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                v.write32(o + k, (int) (i + k));
            }
        }
        return 0;
    }
}
