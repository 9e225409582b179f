import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A probe for reading C2's code, not a benchmark: the 16-access opaque read loop of the CPU-time
 * harness in the shapes a view over a segment can take, so their loop bodies can be compared
 * instruction by instruction (benchmarks/asm/print-view-shapes.sh prints them). Where the handle
 * lives: a field of the caller (as the harness and a driver hold it) or a local copied before the
 * loop; what it is: the segment itself, a record holding it (a field C2 trusts as final), a final
 * class holding it, or an abstract class with several implementations loaded (as SysMem).
 */
public final class ViewShapes {

    static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    abstract static class View {
        abstract int read32(long offset);
    }

    static final class OpaqueView extends View {
        final MemorySegment segment;

        OpaqueView(MemorySegment segment) {
            this.segment = segment;
        }

        @Override
        int read32(long offset) {
            return (int) U32.getOpaque(segment, offset);
        }
    }

    static final class AcquireView extends View {
        final MemorySegment segment;

        AcquireView(MemorySegment segment) {
            this.segment = segment;
        }

        @Override
        int read32(long offset) {
            return (int) U32.getAcquire(segment, offset);
        }
    }

    record Holder(MemorySegment segment) {
    }

    private MemorySegment segment;
    private Holder holder;
    private OpaqueView finalView;
    private View view;
    private long offset = 64;

    long segmentInField(long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += (int) U32.getOpaque(segment, offset + k);
            }
        }
        return sum;
    }

    long segmentInLocal(long n) {
        long sum = 0;
        MemorySegment s = segment;
        long o = offset;
        for (long i = 0; i < n; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += (int) U32.getOpaque(s, o + k);
            }
        }
        return sum;
    }

    long recordInField(long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += (int) U32.getOpaque(holder.segment(), offset + k);
            }
        }
        return sum;
    }

    long finalViewInField(long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += finalView.read32(offset + k);
            }
        }
        return sum;
    }

    long viewInField(long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += view.read32(offset + k);
            }
        }
        return sum;
    }

    long viewInLocal(long n) {
        long sum = 0;
        View v = view;
        long o = offset;
        for (long i = 0; i < n; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += v.read32(o + k);
            }
        }
        return sum;
    }

    public static void main(String[] args) {
        ViewShapes p = new ViewShapes();
        MemorySegment memory = Arena.ofShared().allocate(4096, 64);
        p.segment = memory;
        p.holder = new Holder(memory);
        p.finalView = new OpaqueView(memory);
        p.view = new OpaqueView(memory);
        // A second implementation loaded and used elsewhere, so View.read32 has no unique target (CHA fails, as for SysMem).
        long sum = new AcquireView(memory).read32(0);
        for (int round = 0; round < 3000; round++) {
            sum += p.segmentInField(1000) + p.segmentInLocal(1000) + p.recordInField(1000) + p.finalViewInField(1000)
                    + p.viewInField(1000) + p.viewInLocal(1000);
        }
        System.out.println(sum);
    }
}
