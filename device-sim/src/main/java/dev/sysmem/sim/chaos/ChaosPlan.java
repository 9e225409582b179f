package dev.sysmem.sim.chaos;

import dev.sysmem.io.Width;

import java.util.List;
import java.util.Random;

/**
 * The sequence of writes a {@link ChaosDevice} makes, computed from its seed and options alone:
 * the same seed and options give the same writes, on any machine and JDK ({@link Random}'s
 * algorithm is specified), whatever the timing. A test that failed against a seed can print the
 * writes that led there, and a rerun with that seed repeats them.
 *
 * <p>Each write: a width chosen uniformly among the allowed ones, an offset chosen uniformly among
 * the offsets in the allowed range aligned to that width, a random value of that width with the
 * stuck bits forced (bit {@code b} of the byte at offset {@code o} follows bit
 * {@code 8 * (o % 8) + b} of the stuck masks), and a pause of the delay plus a uniform jitter.
 *
 * <pre>{@code
 * ChaosPlan plan = device.plan();
 * for (int i = 0; i < 5; i++) System.out.println(plan.next());
 * }</pre>
 */
public final class ChaosPlan {

    private final Random random;
    private final List<Width> widths;
    private final long from;
    private final long to;
    private final long stuckOnes;
    private final long stuckZeros;
    private final long delayNanos;
    private final long jitterNanos;
    private long index;

    ChaosPlan(long seed, List<Width> widths, long from, long to, long stuckOnes, long stuckZeros,
              long delayNanos, long jitterNanos) {
        this.random = new Random(seed);
        this.widths = widths;
        this.from = from;
        this.to = to;
        this.stuckOnes = stuckOnes;
        this.stuckZeros = stuckZeros;
        this.delayNanos = delayNanos;
        this.jitterNanos = jitterNanos;
    }

    /** The next write. */
    public ChaosWrite next() {
        long pause = delayNanos + (jitterNanos > 0 ? random.nextLong(jitterNanos) : 0);
        Width width = widths.get(random.nextInt(widths.size()));
        long bytes = width.bytes();
        long first = alignUp(from, bytes);
        long slots = (to - bytes - first) / bytes + 1;
        long offset = first + bytes * random.nextLong(slots);
        long value = applyStuckBits(random.nextLong() & width.mask(), width, offset, stuckOnes, stuckZeros);
        return new ChaosWrite(index++, pause, width, offset, value);
    }

    static long alignUp(long offset, long bytes) {
        return (offset + bytes - 1) / bytes * bytes;
    }

    /** {@code value}, written at {@code offset} with {@code width}, with the stuck bits of those bytes forced. */
    static long applyStuckBits(long value, Width width, long offset, long ones, long zeros) {
        int shift = (int) (offset % 8) * 8;
        long onesHere = (ones >>> shift) & width.mask();
        long zerosHere = (zeros >>> shift) & width.mask();
        return (value | onesHere) & ~zerosHere;
    }
}
