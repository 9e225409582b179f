package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The peer: Agrona 2.6 {@link UnsafeBuffer} over the same memory, in its default configuration
 * (bounds checks on, as a user gets it), with the method of each mode: {@code getInt},
 * {@code getIntOpaque}, {@code getIntAcquire}/{@code putIntRelease}, {@code getIntVolatile}, ...
 */
final class AgronaKernels {

    static final String CONTENDER = "Agrona UnsafeBuffer";

    private UnsafeBuffer buffer;
    private int index;

    AgronaKernels(MemorySegment segment, int index) {
        this.buffer = new UnsafeBuffer(segment.address(), Math.toIntExact(segment.byteSize()));
        this.index = index;
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
        return new TimedKernel(CONTENDER, cell, mode, accesses, body);
    }

    private long read32PlainLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += buffer.getInt(index + k);
            }
        }
        return sink;
    }


    private long write32PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                buffer.putInt(index + k, (int) (i + k));
            }
        }
        return 0;
    }


    private long read64PlainLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += buffer.getLong(index + k);
            }
        }
        return sink;
    }


    private long write64PlainLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                buffer.putLong(index + k, (i + k));
            }
        }
        return 0;
    }


    private long read32OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += buffer.getIntOpaque(index + k);
            }
        }
        return sink;
    }

    private long read32OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += buffer.getIntOpaque(index);
        }
        return sink;
    }

    private long write32OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                buffer.putIntOpaque(index + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            buffer.putIntOpaque(index, (int) i);
        }
        return 0;
    }

    private long read64OpaqueLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += buffer.getLongOpaque(index + k);
            }
        }
        return sink;
    }

    private long read64OpaqueSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += buffer.getLongOpaque(index);
        }
        return sink;
    }

    private long write64OpaqueLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                buffer.putLongOpaque(index + k, (i + k));
            }
        }
        return 0;
    }

    private long write64OpaqueSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            buffer.putLongOpaque(index, i);
        }
        return 0;
    }

    private long read32AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += buffer.getIntAcquire(index + k);
            }
        }
        return sink;
    }

    private long read32AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += buffer.getIntAcquire(index);
        }
        return sink;
    }

    private long write32AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                buffer.putIntRelease(index + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            buffer.putIntRelease(index, (int) i);
        }
        return 0;
    }

    private long read64AcquireReleaseLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += buffer.getLongAcquire(index + k);
            }
        }
        return sink;
    }

    private long read64AcquireReleaseSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += buffer.getLongAcquire(index);
        }
        return sink;
    }

    private long write64AcquireReleaseLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                buffer.putLongRelease(index + k, (i + k));
            }
        }
        return 0;
    }

    private long write64AcquireReleaseSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            buffer.putLongRelease(index, i);
        }
        return 0;
    }

    private long read32VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sink += buffer.getIntVolatile(index + k);
            }
        }
        return sink;
    }

    private long read32VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += buffer.getIntVolatile(index);
        }
        return sink;
    }

    private long write32VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                buffer.putIntVolatile(index + k, (int) (i + k));
            }
        }
        return 0;
    }

    private long write32VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            buffer.putIntVolatile(index, (int) i);
        }
        return 0;
    }

    private long read64VolatileLoop16(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                sink += buffer.getLongVolatile(index + k);
            }
        }
        return sink;
    }

    private long read64VolatileSingle(long iterations) {
        long sink = 0;
        for (long i = 0; i < iterations; i++) {
            sink += buffer.getLongVolatile(index);
        }
        return sink;
    }

    private long write64VolatileLoop16(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 128; k += 8) {
                buffer.putLongVolatile(index + k, (i + k));
            }
        }
        return 0;
    }

    private long write64VolatileSingle(long iterations) {
        for (long i = 0; i < iterations; i++) {
            buffer.putLongVolatile(index, i);
        }
        return 0;
    }
}
