package dev.sysmem.bench.access;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A peer: a little-endian direct {@link ByteBuffer} over the same segment, accessed through
 * {@link MethodHandles#byteBufferViewVarHandle} view handles, the pre-FFM JDK way to get access
 * modes on off-heap memory. The JDK has no {@code byte} view handle, so 8-bit accesses exist only
 * in plain mode ({@code get}/{@code put}); the table marks the other 8-bit modes n/a.
 */
@State(Scope.Thread)
public class ByteBufferAccess extends SharedRegion {

    private static final VarHandle U16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteBuffer buffer;

    @Override
    protected void open() {
        buffer = segment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Benchmark
    public int read8Plain() {
        return Byte.toUnsignedInt(buffer.get(index));
    }

    @Benchmark
    public void write8Plain() {
        buffer.put(index, value8);
    }

    @Benchmark
    public int read16Plain() {
        return Short.toUnsignedInt((short) U16.get(buffer, index));
    }

    @Benchmark
    public void write16Plain() {
        U16.set(buffer, index, value16);
    }

    @Benchmark
    public int read16Opaque() {
        return Short.toUnsignedInt((short) U16.getOpaque(buffer, index));
    }

    @Benchmark
    public void write16Opaque() {
        U16.setOpaque(buffer, index, value16);
    }

    @Benchmark
    public int read16Acquire() {
        return Short.toUnsignedInt((short) U16.getAcquire(buffer, index));
    }

    @Benchmark
    public void write16Release() {
        U16.setRelease(buffer, index, value16);
    }

    @Benchmark
    public int read16Volatile() {
        return Short.toUnsignedInt((short) U16.getVolatile(buffer, index));
    }

    @Benchmark
    public void write16Volatile() {
        U16.setVolatile(buffer, index, value16);
    }

    @Benchmark
    public int read32Plain() {
        return (int) U32.get(buffer, index);
    }

    @Benchmark
    public void write32Plain() {
        U32.set(buffer, index, value32);
    }

    @Benchmark
    public int read32Opaque() {
        return (int) U32.getOpaque(buffer, index);
    }

    @Benchmark
    public void write32Opaque() {
        U32.setOpaque(buffer, index, value32);
    }

    @Benchmark
    public int read32Acquire() {
        return (int) U32.getAcquire(buffer, index);
    }

    @Benchmark
    public void write32Release() {
        U32.setRelease(buffer, index, value32);
    }

    @Benchmark
    public int read32Volatile() {
        return (int) U32.getVolatile(buffer, index);
    }

    @Benchmark
    public void write32Volatile() {
        U32.setVolatile(buffer, index, value32);
    }

    @Benchmark
    public long read64Plain() {
        return (long) U64.get(buffer, index);
    }

    @Benchmark
    public void write64Plain() {
        U64.set(buffer, index, value64);
    }

    @Benchmark
    public long read64Opaque() {
        return (long) U64.getOpaque(buffer, index);
    }

    @Benchmark
    public void write64Opaque() {
        U64.setOpaque(buffer, index, value64);
    }

    @Benchmark
    public long read64Acquire() {
        return (long) U64.getAcquire(buffer, index);
    }

    @Benchmark
    public void write64Release() {
        U64.setRelease(buffer, index, value64);
    }

    @Benchmark
    public long read64Volatile() {
        return (long) U64.getVolatile(buffer, index);
    }

    @Benchmark
    public void write64Volatile() {
        U64.setVolatile(buffer, index, value64);
    }
}
