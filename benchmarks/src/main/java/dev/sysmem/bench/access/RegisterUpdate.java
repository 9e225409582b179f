package dev.sysmem.bench.access;

import dev.sysmem.io.Field;
import dev.sysmem.io.Register;
import dev.sysmem.io.RegisterValue;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * A read-modify-write of one field of a 32-bit control register: through a typed
 * {@link Register} ({@code update} with a {@code RegisterValue.with}), by hand with mask and shift
 * on a {@link SysMem} view, and by hand with mask and shift on the raw {@code VarHandle} (the
 * floor); plus two partly typed variants that show where the typed path's cost lies.
 *
 * <p>The typed path is a large graph for C2 to compile: on a loaded 2-core machine it took about
 * 1.8 s to reach its steady state (170 ns/op, then 15 ns/op), so this class warms up for 2 s,
 * longer than the plain accesses, lest the compile time be measured instead of the code. All three read and write in opaque mode, the default of {@link SysMem}, at the same
 * offset, and write the field value held in a state field.
 */
@State(Scope.Thread)
@Warmup(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
public class RegisterUpdate extends SharedRegion {

    private static final Field ENABLE = Field.bit("ENABLE", 0);
    private static final Field MODE = Field.of("MODE", 3, 1);
    private static final Field COUNT = Field.of("COUNT", 15, 8);
    private static final Register CTRL = Register.builder("CTRL", 64, Width.U32).fields(ENABLE, MODE, COUNT).build();

    private static final int MODE_SHIFT = 1;
    private static final int MODE_MASK = 0x7 << MODE_SHIFT;

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private SysMem io;

    /** The value written into MODE; a field, so that no contender can fold it. */
    private int mode = 5;

    @Override
    protected void open() {
        io = SysMem.of("bench", segment);
    }

    @Benchmark
    public long typedRegister() {
        return CTRL.update(io, v -> v.with(MODE, mode)).raw();
    }

    /** The same without the lambda: {@code Register.read}, {@code with}, {@code Register.write}. */
    @Benchmark
    public long typedReadWithWrite() {
        RegisterValue updated = CTRL.read(io).with(MODE, mode);
        CTRL.write(io, updated);
        return updated.raw();
    }

    /** Only the typed value: raw 32-bit accesses, {@code RegisterValue.with} in between. */
    @Benchmark
    public int typedValueOnly() {
        int updated = (int) CTRL.value(Integer.toUnsignedLong(io.read32(offset))).with(MODE, mode).raw();
        io.write32(offset, updated);
        return updated;
    }

    @Benchmark
    public int maskAndShiftSysMem() {
        int updated = (io.read32(offset) & ~MODE_MASK) | (mode << MODE_SHIFT);
        io.write32(offset, updated);
        return updated;
    }

    @Benchmark
    public int maskAndShiftVarHandle() {
        int updated = ((int) U32.getOpaque(segment, offset) & ~MODE_MASK) | (mode << MODE_SHIFT);
        U32.setOpaque(segment, offset, updated);
        return updated;
    }
}
