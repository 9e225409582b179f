package dev.sysmem.bench.access;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The floor: the {@code VarHandle} access {@code SysMem} performs, called directly on the same
 * segment in the same mode and byte order, with no checks of its own. Anything {@code SysMem}
 * costs above this is the price of its abstraction. 8/16-bit reads are zero-extended as
 * {@code SysMem} returns them.
 */
@State(Scope.Thread)
public class VarHandleAccess extends SharedRegion {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    @Override
    protected void open() {
    }

    @Benchmark
    public int read8Plain() {
        return Byte.toUnsignedInt((byte) U8.get(segment, offset));
    }

    @Benchmark
    public void write8Plain() {
        U8.set(segment, offset, value8);
    }

    @Benchmark
    public int read8Opaque() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(segment, offset));
    }

    @Benchmark
    public void write8Opaque() {
        U8.setOpaque(segment, offset, value8);
    }

    @Benchmark
    public int read8Acquire() {
        return Byte.toUnsignedInt((byte) U8.getAcquire(segment, offset));
    }

    @Benchmark
    public void write8Release() {
        U8.setRelease(segment, offset, value8);
    }

    @Benchmark
    public int read8Volatile() {
        return Byte.toUnsignedInt((byte) U8.getVolatile(segment, offset));
    }

    @Benchmark
    public void write8Volatile() {
        U8.setVolatile(segment, offset, value8);
    }

    @Benchmark
    public int read16Plain() {
        return Short.toUnsignedInt((short) U16.get(segment, offset));
    }

    @Benchmark
    public void write16Plain() {
        U16.set(segment, offset, value16);
    }

    @Benchmark
    public int read16Opaque() {
        return Short.toUnsignedInt((short) U16.getOpaque(segment, offset));
    }

    @Benchmark
    public void write16Opaque() {
        U16.setOpaque(segment, offset, value16);
    }

    @Benchmark
    public int read16Acquire() {
        return Short.toUnsignedInt((short) U16.getAcquire(segment, offset));
    }

    @Benchmark
    public void write16Release() {
        U16.setRelease(segment, offset, value16);
    }

    @Benchmark
    public int read16Volatile() {
        return Short.toUnsignedInt((short) U16.getVolatile(segment, offset));
    }

    @Benchmark
    public void write16Volatile() {
        U16.setVolatile(segment, offset, value16);
    }

    @Benchmark
    public int read32Plain() {
        return (int) U32.get(segment, offset);
    }

    @Benchmark
    public void write32Plain() {
        U32.set(segment, offset, value32);
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

    @Benchmark
    public int read32Volatile() {
        return (int) U32.getVolatile(segment, offset);
    }

    @Benchmark
    public void write32Volatile() {
        U32.setVolatile(segment, offset, value32);
    }

    @Benchmark
    public long read64Plain() {
        return (long) U64.get(segment, offset);
    }

    @Benchmark
    public void write64Plain() {
        U64.set(segment, offset, value64);
    }

    @Benchmark
    public long read64Opaque() {
        return (long) U64.getOpaque(segment, offset);
    }

    @Benchmark
    public void write64Opaque() {
        U64.setOpaque(segment, offset, value64);
    }

    @Benchmark
    public long read64Acquire() {
        return (long) U64.getAcquire(segment, offset);
    }

    @Benchmark
    public void write64Release() {
        U64.setRelease(segment, offset, value64);
    }

    @Benchmark
    public long read64Volatile() {
        return (long) U64.getVolatile(segment, offset);
    }

    @Benchmark
    public void write64Volatile() {
        U64.setVolatile(segment, offset, value64);
    }
}
