package dev.sysmem.bench.access;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The subject: one {@link SysMem} access per operation, in each width and mode, on the
 * {@link SharedRegion}. The four views are the ones a user holds in fields (little-endian, every
 * width), so the mode is read from the view as in real code rather than folded into a constant.
 */
@State(Scope.Thread)
public class SysMemAccess extends SharedRegion {

    private SysMem plain;
    private SysMem opaque;
    private SysMem acquireRelease;
    private SysMem volatileMode;

    @Override
    protected void open() {
        SysMem io = SysMem.of("bench", segment);
        plain = io.withMode(AccessMode.PLAIN);
        opaque = io.withMode(AccessMode.OPAQUE);
        acquireRelease = io.withMode(AccessMode.ACQUIRE_RELEASE);
        volatileMode = io.withMode(AccessMode.VOLATILE);
    }

    @Benchmark
    public int read8Plain() {
        return plain.read8(offset);
    }

    @Benchmark
    public void write8Plain() {
        plain.write8(offset, value8);
    }

    @Benchmark
    public int read8Opaque() {
        return opaque.read8(offset);
    }

    @Benchmark
    public void write8Opaque() {
        opaque.write8(offset, value8);
    }

    @Benchmark
    public int read8Acquire() {
        return acquireRelease.read8(offset);
    }

    @Benchmark
    public void write8Release() {
        acquireRelease.write8(offset, value8);
    }

    @Benchmark
    public int read8Volatile() {
        return volatileMode.read8(offset);
    }

    @Benchmark
    public void write8Volatile() {
        volatileMode.write8(offset, value8);
    }

    @Benchmark
    public int read16Plain() {
        return plain.read16(offset);
    }

    @Benchmark
    public void write16Plain() {
        plain.write16(offset, value16);
    }

    @Benchmark
    public int read16Opaque() {
        return opaque.read16(offset);
    }

    @Benchmark
    public void write16Opaque() {
        opaque.write16(offset, value16);
    }

    @Benchmark
    public int read16Acquire() {
        return acquireRelease.read16(offset);
    }

    @Benchmark
    public void write16Release() {
        acquireRelease.write16(offset, value16);
    }

    @Benchmark
    public int read16Volatile() {
        return volatileMode.read16(offset);
    }

    @Benchmark
    public void write16Volatile() {
        volatileMode.write16(offset, value16);
    }

    @Benchmark
    public int read32Plain() {
        return plain.read32(offset);
    }

    @Benchmark
    public void write32Plain() {
        plain.write32(offset, value32);
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

    @Benchmark
    public int read32Volatile() {
        return volatileMode.read32(offset);
    }

    @Benchmark
    public void write32Volatile() {
        volatileMode.write32(offset, value32);
    }

    @Benchmark
    public long read64Plain() {
        return plain.read64(offset);
    }

    @Benchmark
    public void write64Plain() {
        plain.write64(offset, value64);
    }

    @Benchmark
    public long read64Opaque() {
        return opaque.read64(offset);
    }

    @Benchmark
    public void write64Opaque() {
        opaque.write64(offset, value64);
    }

    @Benchmark
    public long read64Acquire() {
        return acquireRelease.read64(offset);
    }

    @Benchmark
    public void write64Release() {
        acquireRelease.write64(offset, value64);
    }

    @Benchmark
    public long read64Volatile() {
        return volatileMode.read64(offset);
    }

    @Benchmark
    public void write64Volatile() {
        volatileMode.write64(offset, value64);
    }
}
