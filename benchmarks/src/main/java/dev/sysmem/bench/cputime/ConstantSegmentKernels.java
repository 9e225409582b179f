package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * {@link ConstantSegmentView}s held in fields, one per mode, as {@link SysMemKernels} holds its
 * views: the same loops, so the two differ only in the view. All four modes' views exist in every
 * JVM (four hidden classes below {@code ConstantSegmentView}), so no call site is bound by class
 * hierarchy analysis alone: each pays the class check its type profile asks for, as SysMem's do.
 */
final class ConstantSegmentKernels {

    static final String CONTENDER = "constant-segment view";

    private final String contender;

    private ConstantSegmentView plain;
    private ConstantSegmentView opaque;
    private ConstantSegmentView acquireRelease;
    private ConstantSegmentView volatileMode;
    private long offset;

    ConstantSegmentKernels(MemorySegment segment, long offset) {
        this.contender = CONTENDER;
        this.plain = ConstantSegmentView.of(segment, AccessMode.PLAIN);
        this.opaque = ConstantSegmentView.of(segment, AccessMode.OPAQUE);
        this.acquireRelease = ConstantSegmentView.of(segment, AccessMode.ACQUIRE_RELEASE);
        this.volatileMode = ConstantSegmentView.of(segment, AccessMode.VOLATILE);
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
                sink += plain.read32(offset + k);
            }
        }
        return sink;
    }


    private long write32PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                plain.write32(offset + k, (int) (i + k));
            }
        }
        return 0;
    }


    private long read64PlainLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += plain.read64(offset + k);
            }
        }
        return sink;
    }


    private long write64PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                plain.write64(offset + k, (i + k));
            }
        }
        return 0;
    }


    private long read32OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += opaque.read32(offset + k);
            }
        }
        return sink;
    }

    private long read32OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += opaque.read32(offset);
        }
        return sink;
    }

    private long write32OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                opaque.write32(offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            opaque.write32(offset, (int) i);
        }
        return 0;
    }

    private long read64OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += opaque.read64(offset + k);
            }
        }
        return sink;
    }

    private long read64OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += opaque.read64(offset);
        }
        return sink;
    }

    private long write64OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                opaque.write64(offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            opaque.write64(offset, i);
        }
        return 0;
    }

    private long read32AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += acquireRelease.read32(offset + k);
            }
        }
        return sink;
    }

    private long read32AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += acquireRelease.read32(offset);
        }
        return sink;
    }

    private long write32AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                acquireRelease.write32(offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            acquireRelease.write32(offset, (int) i);
        }
        return 0;
    }

    private long read64AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += acquireRelease.read64(offset + k);
            }
        }
        return sink;
    }

    private long read64AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += acquireRelease.read64(offset);
        }
        return sink;
    }

    private long write64AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                acquireRelease.write64(offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            acquireRelease.write64(offset, i);
        }
        return 0;
    }

    private long read32VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += volatileMode.read32(offset + k);
            }
        }
        return sink;
    }

    private long read32VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += volatileMode.read32(offset);
        }
        return sink;
    }

    private long write32VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                volatileMode.write32(offset + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            volatileMode.write32(offset, (int) i);
        }
        return 0;
    }

    private long read64VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += volatileMode.read64(offset + k);
            }
        }
        return sink;
    }

    private long read64VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += volatileMode.read64(offset);
        }
        return sink;
    }

    private long write64VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                volatileMode.write64(offset + k, (i + k));
            }
        }
        return 0;
    }

    private long write64VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            volatileMode.write64(offset, i);
        }
        return 0;
    }
}
