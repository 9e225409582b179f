package dev.sysmem.bench.access;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The floor for {@link SysMemMappedAccess}: the raw {@code VarHandle} on the same mapped file. */
@State(Scope.Thread)
public class VarHandleMappedAccess extends SharedRegion {

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    @Override
    protected boolean fileBacked() {
        return true;
    }

    @Override
    protected void open() {
    }

    @Benchmark
    public int read32Opaque() {
        return (int) U32.getOpaque(segment, offset);
    }

    @Benchmark
    public void write32Opaque() {
        U32.setOpaque(segment, offset, value32);
    }

    @Benchmark
    public int read32Acquire() {
        return (int) U32.getAcquire(segment, offset);
    }

    @Benchmark
    public void write32Release() {
        U32.setRelease(segment, offset, value32);
    }
}
