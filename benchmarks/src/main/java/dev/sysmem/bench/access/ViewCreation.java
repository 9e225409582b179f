package dev.sysmem.bench.access;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What making a view costs since a whole region's views are classes of their own: {@code SysMem.of}
 * over a new region defines a hidden class (its region's first view in that mode); a further view
 * of the same region and mode, as {@code SharedMemory.io} and {@code withMode} hand out, only
 * instantiates it; a slice is an object of the mode's class loaded by name, as every view was before.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ViewCreation -f 1 -wi 3 -i 5 -r 1s
 * }</pre>
 */
@State(Scope.Thread)
public class ViewCreation {

    private SharedMemory memory;
    private MemorySegment segment;
    private SysMem whole;

    @Setup(Level.Trial)
    public void open() {
        memory = SharedMemory.anonymous(SharedMemory.PAGE_SIZE);
        segment = memory.segment();
        whole = memory.io("whole");
    }

    @TearDown(Level.Trial)
    public void close() {
        memory.close();
    }

    /** A new region: a segment object of its own over the same memory, so a class is defined. */
    @Benchmark
    public SysMem ofANewRegion() {
        return SysMem.of("region", segment.asSlice(0));
    }

    /** The region's class exists (SharedMemory keeps it): one object. */
    @Benchmark
    public SysMem ioOfTheSameMemory() {
        return memory.io("again");
    }

    /** The same region in another mode: that mode's class exists after the first call. */
    @Benchmark
    public SysMem withModeOfTheSameRegion() {
        return whole.withMode(AccessMode.ACQUIRE_RELEASE);
    }

    /** A sub-region: the mode's class loaded by name, no class defined. */
    @Benchmark
    public SysMem slice() {
        return whole.slice(64, 64);
    }

    /** For scale: a confined arena's allocation of the same size, freed at once. */
    @Benchmark
    public long allocateAndFree() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(SharedMemory.PAGE_SIZE, 8).address();
        }
    }
}
