package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The floor: the {@code VarHandle} access {@code SysMem} makes, called directly on the segment in
 * the same mode and byte order, with no checks of its own.
 */
final class RawKernels {

    private final String contender;

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    // Non-final, so the JIT reloads them as it reloads a driver's fields: no contender gets a constant.
    private MemorySegment segment;
    private long offset;

    /** Loops on {@code segment} at {@code offset}, reported as {@code contender} ("raw VarHandle", "raw VarHandle on a file"). */
    RawKernels(String contender, MemorySegment segment, long offset) {
        this.contender = contender;
        this.segment = segment;
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
                sink += (int) U32.get(segment, offset + k);
            }
        }
        return sink;
    }


    private long write32PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.set(segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }


    private long read64PlainLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.get(segment, offset + k);
            }
        }
        return sink;
    }


    private long write64PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.set(segment, offset + k, (i + k));
            }
        }
        return 0;
    }


    private long read32OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.getOpaque(segment, offset + k);
            }
        }
        return sink;
    }

    private long read32OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (int) U32.getOpaque(segment, offset);
        }
        return sink;
    }

    private long write32OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setOpaque(segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U32.setOpaque(segment, offset, (int) i);
        }
        return 0;
    }

    private long read64OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.getOpaque(segment, offset + k);
            }
        }
        return sink;
    }

    private long read64OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (long) U64.getOpaque(segment, offset);
        }
        return sink;
    }

    private long write64OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.setOpaque(segment, offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U64.setOpaque(segment, offset, i);
        }
        return 0;
    }

    private long read32AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.getAcquire(segment, offset + k);
            }
        }
        return sink;
    }

    private long read32AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (int) U32.getAcquire(segment, offset);
        }
        return sink;
    }

    private long write32AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setRelease(segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U32.setRelease(segment, offset, (int) i);
        }
        return 0;
    }

    private long read64AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.getAcquire(segment, offset + k);
            }
        }
        return sink;
    }

    private long read64AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (long) U64.getAcquire(segment, offset);
        }
        return sink;
    }

    private long write64AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.setRelease(segment, offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U64.setRelease(segment, offset, i);
        }
        return 0;
    }

    private long read32VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += (int) U32.getVolatile(segment, offset + k);
            }
        }
        return sink;
    }

    private long read32VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (int) U32.getVolatile(segment, offset);
        }
        return sink;
    }

    private long write32VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                U32.setVolatile(segment, offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U32.setVolatile(segment, offset, (int) i);
        }
        return 0;
    }

    private long read64VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += (long) U64.getVolatile(segment, offset + k);
            }
        }
        return sink;
    }

    private long read64VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += (long) U64.getVolatile(segment, offset);
        }
        return sink;
    }

    private long write64VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                U64.setVolatile(segment, offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            U64.setVolatile(segment, offset, i);
        }
        return 0;
    }
}
