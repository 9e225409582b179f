package dev.sysmem.litmus.runtime;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared memory of one translated litmus test: one segment cut into blocks, one block per
 * jcstress state, each of the test's variables a 32-bit slot of the block.
 *
 * <p>jcstress creates states by the thousand, so a segment per state is out of the question: the
 * test class holds one {@code LitmusMemory} in a static field and each state takes the next block.
 * Blocks are handed out by a bump pointer that wraps after {@link #BLOCKS}; a jcstress 0.16 runner
 * keeps at most {@code strideSize × strideCount} = 256 × 40 states per round and at most two
 * rounds' states are alive at once (old ones being judged while new ones are built), far fewer
 * than {@link #BLOCKS}, so no two live states share a block.
 *
 * <p><b>Guarantees.</b> Variable {@code i} of a block lies at {@code block + i × spacing}; blocks
 * start at multiples of their size, which is a multiple of 64 bytes, so every slot is 4-byte
 * aligned, and with the default spacing of 64 bytes no two variables share a cache line. The
 * memory is read and written only through {@link SysMem} views: {@link #opaque()} (the kernel's
 * {@code READ_ONCE}/{@code WRITE_ONCE}) and {@link #acquireRelease()} ({@code smp_load_acquire}/
 * {@code smp_store_release}).
 */
public final class LitmusMemory {

    /** Blocks before the bump pointer wraps. */
    public static final int BLOCKS = 1 << 15;

    /** The spacing of variables when a file does not ask for another: one cache line. */
    public static final int DEFAULT_SPACING = 64;

    private static final int LINE = 64;

    private final SysMem opaque;
    private final SysMem acquireRelease;
    private final long blockBytes;
    private final int spacing;
    private final AtomicLong next = new AtomicLong();

    /**
     * Maps the memory for a test of {@code variables} variables, {@code spacing} bytes apart.
     *
     * @throws IllegalArgumentException if {@code spacing} is not a power of two from 4 to 4096,
     *                                  or there are no variables
     */
    public LitmusMemory(String label, int variables, int spacing) {
        if (spacing < 4 || spacing > 4096 || Integer.bitCount(spacing) != 1) {
            throw new IllegalArgumentException("spacing must be a power of two from 4 to 4096 bytes, was " + spacing);
        }
        if (variables < 1) {
            throw new IllegalArgumentException("a litmus test has at least one variable, " + label + " has " + variables);
        }
        this.spacing = spacing;
        this.blockBytes = ((long) variables * spacing + LINE - 1) / LINE * LINE;
        // Never closed: the memory lives as long as the jcstress fork that runs the test.
        SharedMemory memory = SharedMemory.anonymous(blockBytes * BLOCKS);
        this.opaque = memory.io(label).withMode(AccessMode.OPAQUE);
        this.acquireRelease = opaque.withMode(AccessMode.ACQUIRE_RELEASE);
    }

    /** The offset of variable 0 of the next block, for a new state. */
    public long nextBlock() {
        return (next.getAndIncrement() & (BLOCKS - 1)) * blockBytes;
    }

    /** The offset of variable {@code index} in the block at {@code block}. */
    public long slot(long block, int index) {
        return block + (long) index * spacing;
    }

    /** The memory in {@link AccessMode#OPAQUE}: getOpaque/setOpaque. */
    public SysMem opaque() {
        return opaque;
    }

    /** The memory in {@link AccessMode#ACQUIRE_RELEASE}: getAcquire/setRelease. */
    public SysMem acquireRelease() {
        return acquireRelease;
    }
}
