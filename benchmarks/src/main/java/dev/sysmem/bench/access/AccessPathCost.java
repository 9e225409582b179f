package dev.sysmem.bench.access;

import dev.sysmem.io.AccessMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Where {@code SysMem}'s cost over the raw {@code VarHandle} goes: 32-bit opaque reads and writes
 * through {@link ProtoSysMem}, a copy of its access path with one part removed at a time. Compare
 * each with {@code VarHandleAccess.read32Opaque}/{@code write32Opaque} (the floor) and with
 * {@code SysMemAccess} (the real thing, which {@code current} should match).
 */
@State(Scope.Thread)
public class AccessPathCost extends SharedRegion {

    private ProtoSysMem path;

    @Override
    protected void open() {
        path = new ProtoSysMem("bench", segment, AccessMode.OPAQUE);
    }

    @Benchmark
    public int read32Current() {
        return path.read32Current(offset);
    }

    @Benchmark
    public int read32NoRangeTest() {
        return path.read32NoRangeTest(offset);
    }

    @Benchmark
    public int read32NoModeSwitch() {
        return path.read32NoModeSwitch(offset);
    }

    @Benchmark
    public int read32NoOrderBranch() {
        return path.read32NoOrderBranch(offset);
    }

    @Benchmark
    public int read32Lean() {
        return path.read32Lean(offset);
    }

    @Benchmark
    public int read32Bare() {
        return path.read32Bare(offset);
    }

    @Benchmark
    public void write32Current() {
        path.write32Current(offset, value32);
    }

    @Benchmark
    public void write32NoRangeTest() {
        path.write32NoRangeTest(offset, value32);
    }

    @Benchmark
    public void write32NoModeSwitch() {
        path.write32NoModeSwitch(offset, value32);
    }

    @Benchmark
    public void write32Lean() {
        path.write32Lean(offset, value32);
    }

    @Benchmark
    public void write32Bare() {
        path.write32Bare(offset, value32);
    }
}
