package dev.sysmem.bench.access;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SysMemAccess} on a file in {@code /dev/shm} mapped read-write and shared, the memory a
 * device in another process or a QEMU guest shares: SysMem then routes every access through its
 * mapped-file path (one call the JIT does not inline, so that a truncated file faults cleanly).
 * 32-bit accesses in the two modes device protocols use most.
 */
@State(Scope.Thread)
public class SysMemMappedAccess extends SharedRegion {

    private SysMem opaque;
    private SysMem acquireRelease;

    @Override
    protected boolean fileBacked() {
        return true;
    }

    @Override
    protected void open() {
        SysMem io = SysMem.of("bench", segment);
        opaque = io.withMode(AccessMode.OPAQUE);
        acquireRelease = io.withMode(AccessMode.ACQUIRE_RELEASE);
    }

    @Benchmark
    public int read32Opaque() {
        return opaque.read32(offset);
    }

    @Benchmark
    public void write32Opaque() {
        opaque.write32(offset, value32);
    }

    @Benchmark
    public int read32Acquire() {
        return acquireRelease.read32(offset);
    }

    @Benchmark
    public void write32Release() {
        acquireRelease.write32(offset, value32);
    }
}
