package dev.sysmem.bench.access;

import dev.sysmem.bench.BenchJvm;
import dev.sysmem.io.SharedMemory;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The memory every access-cost contender works on, so that they differ only in the access path:
 * one page of {@link SharedMemory#anonymous} (a shared arena, as a user's device memory is), or of
 * a file in {@code /dev/shm} for the mapped-file contenders, accessed at the same 64-byte-aligned
 * offset, with the same values written.
 *
 * <p>Offsets and values live in non-final instance fields of the benchmark state, so the JIT can
 * fold neither into a constant for any contender; read results are returned, so JMH consumes them
 * and no read is dead code. Every contender forks with the same JVM flags (the union of what
 * sysmem and Agrona need), so flags cannot favour one of them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 4, time = 150, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public abstract class SharedRegion {

    /** Size of the region: one page, as {@link SharedMemory} aligns it. */
    static final int SIZE = 4096;

    private SharedMemory memory;

    /** The region's segment, page-aligned. */
    protected MemorySegment segment;

    /** Where every contender reads and writes: aligned for all four widths. */
    protected long offset = 64;

    /** Agrona's index type is {@code int}; the same offset. */
    protected int index = 64;

    protected byte value8 = (byte) 0x5a;
    protected short value16 = (short) 0x5a5a;
    protected int value32 = 0x5a5a5a5a;
    protected long value64 = 0x5a5a5a5a_5a5a5a5aL;

    private Path file;

    @Setup(Level.Trial)
    public void allocate() throws IOException {
        if (fileBacked()) {
            Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
            file = dir.resolve("sysmem-bench-access-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            memory = SharedMemory.create(file, SIZE);
        } else {
            memory = SharedMemory.anonymous(SIZE);
        }
        segment = memory.segment();
        open();
    }

    /** Whether the region is a mapped file in {@code /dev/shm} rather than anonymous memory. */
    protected boolean fileBacked() {
        return false;
    }

    /** Builds the contender's view of {@link #segment}. */
    protected abstract void open();

    @TearDown(Level.Trial)
    public void free() throws IOException {
        memory.close();
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
