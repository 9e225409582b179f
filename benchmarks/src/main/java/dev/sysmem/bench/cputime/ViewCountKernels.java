package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The price of a class per view: one call site that sees 1, 2, 3 or 8 different views in the same
 * mode. Each loop makes 16 opaque accesses, the k-th through the k-th element of a 16-element array
 * filled with the views in turn; the array access is one bytecode call site, so its type profile
 * sees every view's class. Contenders:
 * <ul>
 *   <li>{@code SysMem}: views of whole regions ({@code SysMem.of} over a region each): one class
 *       per region (sysmem-core's constant-segment views), so monomorphic, bimorphic, then
 *       megamorphic (a virtual call C2 does not inline);</li>
 *   <li>{@code SysMem, slices}: slices of those regions, of the mode's class loaded by name, one
 *       class whatever the count (the view every SysMem was before constant-segment views);</li>
 *   <li>{@link ConstantSegmentView}: the benchmark's own prototype of the constant-segment view,
 *       over the same regions;</li>
 *   <li>the raw handle, given the same regions' segments in the same array shape.</li>
 * </ul>
 *
 * <p>A loop's type profile belongs to its bytecode, shared by every instance, so each count runs
 * in a JVM of its own ({@link CpuTimeRun}'s {@code views} set): were the counts side by side, every
 * loop would see all of their classes.
 */
final class ViewCountKernels {

    static final String SYSMEM = "SysMem";
    static final String SLICES = "SysMem, slices";
    static final String CONSTANT = ConstantSegmentKernels.CONTENDER;
    static final String RAW = "raw VarHandle";

    /** The counts of different views one call site is measured with, one JVM each. */
    static final List<Integer> COUNTS = List.of(1, 2, 3, 8);

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment memory;
    private final long offset;
    private final int count;

    /**
     * Views in the other modes, never used here: kept alive so that ConstantSegmentView has
     * several subclasses loaded, as in a driver with more than one view. With one subclass alone,
     * class hierarchy analysis would bind the one-view call site with no class check at all.
     */
    private final List<ConstantSegmentView> bystanders;

    ViewCountKernels(MemorySegment memory, long offset, int count) {
        if (count < 1 || count > 16) {
            throw new IllegalArgumentException("a call site of 16 accesses can see 1 to 16 views, not " + count);
        }
        this.memory = memory;
        this.offset = offset;
        this.count = count;
        this.bystanders = List.of(ConstantSegmentView.of(memory, AccessMode.PLAIN),
                ConstantSegmentView.of(memory, AccessMode.ACQUIRE_RELEASE), ConstantSegmentView.of(memory, AccessMode.VOLATILE));
    }

    /** Read and write loops of the three contenders, each with its own {@code count} views. */
    List<TimedKernel> kernels() {
        List<TimedKernel> kernels = new ArrayList<>();
        String views = count == 1 ? "1 view" : count + " views";
        SysMem[] sysmem = new SysMem[16];
        SysMem[] slices = new SysMem[16];
        ConstantSegmentView[] constant = new ConstantSegmentView[16];
        MemorySegment[] raw = new MemorySegment[16];
        List<SysMem> sysmemViews = new ArrayList<>();
        List<SysMem> sliceViews = new ArrayList<>();
        List<ConstantSegmentView> constantViews = new ArrayList<>();
        List<MemorySegment> rawViews = new ArrayList<>();
        for (int v = 0; v < count; v++) {
            // A region each: the same memory, a segment object of its own (as SharedMemory.io over
            // several mappings would give).
            MemorySegment region = memory.asSlice(0);
            sysmemViews.add(SysMem.of("bench-" + v, region).withMode(AccessMode.OPAQUE));
            sliceViews.add(SysMem.of("bench-" + v, region).slice(0, region.byteSize() / 2).withMode(AccessMode.OPAQUE));
            constantViews.add(ConstantSegmentView.of(region, AccessMode.OPAQUE));
            rawViews.add(region);
        }
        for (int k = 0; k < 16; k++) {
            sysmem[k] = sysmemViews.get(k % count);
            slices[k] = sliceViews.get(k % count);
            constant[k] = constantViews.get(k % count);
            raw[k] = rawViews.get(k % count);
        }
        SysMemLoops s = new SysMemLoops(sysmem, offset);
        SliceLoops sl = new SliceLoops(slices, offset);
        ConstantLoops c = new ConstantLoops(constant, offset);
        RawLoops r = new RawLoops(raw, offset);
        String read = "u32 opaque read x16, " + views;
        String write = "u32 opaque write x16, " + views;
        kernels.add(new TimedKernel(SYSMEM, read, AccessMode.OPAQUE, 16, s::read));
        kernels.add(new TimedKernel(SLICES, read, AccessMode.OPAQUE, 16, sl::read));
        kernels.add(new TimedKernel(CONSTANT, read, AccessMode.OPAQUE, 16, c::read));
        kernels.add(new TimedKernel(RAW, read, AccessMode.OPAQUE, 16, r::read));
        kernels.add(new TimedKernel(SYSMEM, write, AccessMode.OPAQUE, 16, s::write));
        kernels.add(new TimedKernel(SLICES, write, AccessMode.OPAQUE, 16, sl::write));
        kernels.add(new TimedKernel(CONSTANT, write, AccessMode.OPAQUE, 16, c::write));
        kernels.add(new TimedKernel(RAW, write, AccessMode.OPAQUE, 16, r::write));
        return kernels;
    }

    private static final class SysMemLoops {
        private SysMem[] views;
        private long offset;

        SysMemLoops(SysMem[] views, long offset) {
            this.views = views;
            this.offset = offset;
        }

        long read(long iterations) {
            long sink = 0;
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    sink += views[k].read32(offset + 4 * k);
                }
            }
            return sink;
        }

        long write(long iterations) {
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    views[k].write32(offset + 4 * k, (int) (i + k));
                }
            }
            return 0;
        }
    }

    // A class of its own, not SysMemLoops again: a loop's type profile belongs to its bytecode.
    private static final class SliceLoops {
        private SysMem[] views;
        private long offset;

        SliceLoops(SysMem[] views, long offset) {
            this.views = views;
            this.offset = offset;
        }

        long read(long iterations) {
            long sink = 0;
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    sink += views[k].read32(offset + 4 * k);
                }
            }
            return sink;
        }

        long write(long iterations) {
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    views[k].write32(offset + 4 * k, (int) (i + k));
                }
            }
            return 0;
        }
    }

    private static final class ConstantLoops {
        private ConstantSegmentView[] views;
        private long offset;

        ConstantLoops(ConstantSegmentView[] views, long offset) {
            this.views = views;
            this.offset = offset;
        }

        long read(long iterations) {
            long sink = 0;
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    sink += views[k].read32(offset + 4 * k);
                }
            }
            return sink;
        }

        long write(long iterations) {
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    views[k].write32(offset + 4 * k, (int) (i + k));
                }
            }
            return 0;
        }
    }

    private static final class RawLoops {
        private MemorySegment[] segments;
        private long offset;

        RawLoops(MemorySegment[] segments, long offset) {
            this.segments = segments;
            this.offset = offset;
        }

        long read(long iterations) {
            long sink = 0;
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    sink += (int) U32.getOpaque(segments[k], offset + 4 * k);
                }
            }
            return sink;
        }

        long write(long iterations) {
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 16; k++) {
                    U32.setOpaque(segments[k], offset + 4 * k, (int) (i + k));
                }
            }
            return 0;
        }
    }
}
