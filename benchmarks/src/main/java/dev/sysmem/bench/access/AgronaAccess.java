package dev.sysmem.bench.access;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The peer: Agrona 2.6 {@link UnsafeBuffer} wrapping the same segment's address, in its default
 * configuration (bounds checks on, as a user gets it). Its plain methods serve the plain mode; its
 * {@code Opaque}, {@code Acquire}/{@code Release} and {@code Volatile} methods the others.
 * Agrona has only plain and volatile methods at 8 and 16 bits, so those widths have no opaque or
 * acquire/release benchmark here: the table marks them n/a rather than substitute a stronger mode.
 */
@State(Scope.Thread)
public class AgronaAccess extends SharedRegion {

    private UnsafeBuffer buffer;

    @Override
    protected void open() {
        buffer = new UnsafeBuffer(segment.address(), SIZE);
    }

    @Benchmark
    public int read8Plain() {
        return Byte.toUnsignedInt(buffer.getByte(index));
    }

    @Benchmark
    public void write8Plain() {
        buffer.putByte(index, value8);
    }

    @Benchmark
    public int read8Volatile() {
        return Byte.toUnsignedInt(buffer.getByteVolatile(index));
    }

    @Benchmark
    public void write8Volatile() {
        buffer.putByteVolatile(index, value8);
    }

    @Benchmark
    public int read16Plain() {
        return Short.toUnsignedInt(buffer.getShort(index));
    }

    @Benchmark
    public void write16Plain() {
        buffer.putShort(index, value16);
    }

    @Benchmark
    public int read16Volatile() {
        return Short.toUnsignedInt(buffer.getShortVolatile(index));
    }

    @Benchmark
    public void write16Volatile() {
        buffer.putShortVolatile(index, value16);
    }

    @Benchmark
    public int read32Plain() {
        return buffer.getInt(index);
    }

    @Benchmark
    public void write32Plain() {
        buffer.putInt(index, value32);
    }

    @Benchmark
    public int read32Opaque() {
        return buffer.getIntOpaque(index);
    }

    @Benchmark
    public void write32Opaque() {
        buffer.putIntOpaque(index, value32);
    }

    @Benchmark
    public int read32Acquire() {
        return buffer.getIntAcquire(index);
    }

    @Benchmark
    public void write32Release() {
        buffer.putIntRelease(index, value32);
    }

    @Benchmark
    public int read32Volatile() {
        return buffer.getIntVolatile(index);
    }

    @Benchmark
    public void write32Volatile() {
        buffer.putIntVolatile(index, value32);
    }

    @Benchmark
    public long read64Plain() {
        return buffer.getLong(index);
    }

    @Benchmark
    public void write64Plain() {
        buffer.putLong(index, value64);
    }

    @Benchmark
    public long read64Opaque() {
        return buffer.getLongOpaque(index);
    }

    @Benchmark
    public void write64Opaque() {
        buffer.putLongOpaque(index, value64);
    }

    @Benchmark
    public long read64Acquire() {
        return buffer.getLongAcquire(index);
    }

    @Benchmark
    public void write64Release() {
        buffer.putLongRelease(index, value64);
    }

    @Benchmark
    public long read64Volatile() {
        return buffer.getLongVolatile(index);
    }

    @Benchmark
    public void write64Volatile() {
        buffer.putLongVolatile(index, value64);
    }
}
