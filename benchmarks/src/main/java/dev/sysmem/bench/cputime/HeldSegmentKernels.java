package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The floor of any view object that holds its segment in a field: the raw {@code VarHandle} loops
 * of {@link RawKernels}, with the segment reached through one object in between, held in a field
 * typed with that object's final class. That is the least a view over a segment can add: no class check (the field's type is
 * final) and no check of its own, only the load of the segment from the holder.
 *
 * <p>The holder is a record on purpose: C2 trusts a record's fields as truly final, as it trusts
 * the fields of the JDK's own segment classes. Trust lets C2 fold a field of a constant object; it
 * does not keep a loaded field across an ordered access, which C2 compiles as a barrier for all of
 * memory. So this loop, like the raw loop (which reloads its own field and the segment's length,
 * address and scope after every opaque or stronger access), loads the segment from the holder
 * again for every access. What this contender costs over the raw handle was a floor for
 * {@code SysMem} while its views held their segment in a field; a view whose segment is a constant
 * of its own class ({@link ConstantSegmentView}, sysmem-core's whole-region views) is not bound by
 * it (see {@code benchmarks/asm}).
 */
final class HeldSegmentKernels {

    static final String CONTENDER = "raw VarHandle, segment in a holder";

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** The one object between the loop and the segment: a record, so its field is a trusted final. */
    record Holder(MemorySegment segment) {
    }

    private final String contender;

    // Non-final, as RawKernels' fields and a driver's: reloaded like theirs.
    private Holder held;
    private long offset;

    HeldSegmentKernels(MemorySegment segment, long offset) {
        this.contender = CONTENDER;
        this.held = new Holder(segment);
        this.offset = offset;
    }

    /**
     * The loops of {@code mode}: 32 and 64 bits, read and write, 16 accesses and one. PLAIN has
     * only the 16-access loops: a loop of single plain accesses to one address is folded by C2 for
     * every contender (the read hoisted, the repeated store sunk: 0.37 and 0.00 ns per access were
     * measured), so it would compare nothing.
     */
    List<TimedKernel> forMode(AccessMode mode) {
        return switch (mode) {
            case PLAIN -> List.of(
                    kernel("u32 plain read x16", mode, 16, this::read32PlainLoop16),
                    kernel("u32 plain write x16", mode, 16, this::write32PlainLoop16),
                    kernel("u64 plain read x16", mode, 16, this::read64PlainLoop16),
                    kernel("u64 plain write x16", mode, 16, this::write64PlainLoop16));
            case OPAQUE -> List.of(
                    kernel("u32 opaque read x16", mode, 16, this::read32OpaqueLoop16),
                    kernel("u32 opaque read x1", mode, 1, this::read32OpaqueSingle),
                    kernel("u32 opaque write x16", mode, 16, this::write32OpaqueLoop16),
                    kernel("u32 opaque write x1", mode, 1, this::write32OpaqueSingle),
                    kernel("u64 opaque read x16", mode, 16, this::read64OpaqueLoop16),
                    kernel("u64 opaque read x1", mode, 1, this::read64OpaqueSingle),
                    kernel("u64 opaque write x16", mode, 16, this::write64OpaqueLoop16),
                    kernel("u64 opaque write x1", mode, 1, this::write64OpaqueSingle));
            case ACQUIRE_RELEASE -> List.of(
                    kernel("u32 acquire read x16", mode, 16, this::read32AcquireReleaseLoop16),
                    kernel("u32 acquire read x1", mode, 1, this::read32AcquireReleaseSingle),
                    kernel("u32 release write x16", mode, 16, this::write32AcquireReleaseLoop16),
                    kernel("u32 release write x1", mode, 1, this::write32AcquireReleaseSingle),
                    kernel("u64 acquire read x16", mode, 16, this::read64AcquireReleaseLoop16),
                    kernel("u64 acquire read x1", mode, 1, this::read64AcquireReleaseSingle),
                    kernel("u64 release write x16", mode, 16, this::write64AcquireReleaseLoop16),
                    kernel("u64 release write x1", mode, 1, this::write64AcquireReleaseSingle));
            case VOLATILE -> List.of(
                    kernel("u32 volatile read x16", mode, 16, this::read32VolatileLoop16),
                    kernel("u32 volatile read x1", mode, 1, this::read32VolatileSingle),
                    kernel("u32 volatile write x16", mode, 16, this::write32VolatileLoop16),
                    kernel("u32 volatile write x1", mode, 1, this::write32VolatileSingle),
                    kernel("u64 volatile read x16", mode, 16, this::read64VolatileLoop16),
                    kernel("u64 volatile read x1", mode, 1, this::read64VolatileSingle),
                    kernel("u64 volatile write x16", mode, 16, this::write64VolatileLoop16),
                    kernel("u64 volatile write x1", mode, 1, this::write64VolatileSingle));
        };
    }

    private TimedKernel kernel(String cell, AccessMode mode, int accesses, Kernel body) {
        return new TimedKernel(contender, cell, mode, accesses, body);
    }

    private long read32PlainLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.get(held.segment, offset + k);
            }
        }
        return sink;
    }


    private long write32PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.set(held.segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }


    private long read64PlainLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.get(held.segment, offset + k);
            }
        }
        return sink;
    }


    private long write64PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.set(held.segment, offset + k, (i + k));
            }
        }
        return 0;
    }


    private long read32OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.getOpaque(held.segment, offset + k);
            }
        }
        return sink;
    }

    private long read32OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (int) U32.getOpaque(held.segment, offset);
        }
        return sink;
    }

    private long write32OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setOpaque(held.segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U32.setOpaque(held.segment, offset, (int) i);
        }
        return 0;
    }

    private long read64OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.getOpaque(held.segment, offset + k);
            }
        }
        return sink;
    }

    private long read64OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (long) U64.getOpaque(held.segment, offset);
        }
        return sink;
    }

    private long write64OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.setOpaque(held.segment, offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U64.setOpaque(held.segment, offset, i);
        }
        return 0;
    }

    private long read32AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.getAcquire(held.segment, offset + k);
            }
        }
        return sink;
    }

    private long read32AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (int) U32.getAcquire(held.segment, offset);
        }
        return sink;
    }

    private long write32AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setRelease(held.segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U32.setRelease(held.segment, offset, (int) i);
        }
        return 0;
    }

    private long read64AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.getAcquire(held.segment, offset + k);
            }
        }
        return sink;
    }

    private long read64AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (long) U64.getAcquire(held.segment, offset);
        }
        return sink;
    }

    private long write64AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.setRelease(held.segment, offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U64.setRelease(held.segment, offset, i);
        }
        return 0;
    }

    private long read32VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.getVolatile(held.segment, offset + k);
            }
        }
        return sink;
    }

    private long read32VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (int) U32.getVolatile(held.segment, offset);
        }
        return sink;
    }

    private long write32VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(held.segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U32.setVolatile(held.segment, offset, (int) i);
        }
        return 0;
    }

    private long read64VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.getVolatile(held.segment, offset + k);
            }
        }
        return sink;
    }

    private long read64VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (long) U64.getVolatile(held.segment, offset);
        }
        return sink;
    }

    private long write64VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.setVolatile(held.segment, offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U64.setVolatile(held.segment, offset, i);
        }
        return 0;
    }
}
