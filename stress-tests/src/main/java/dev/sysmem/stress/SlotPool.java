package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One shared segment per test class, cut into slots: each jcstress {@code @State} instance takes
 * the next slot and races only inside it.
 *
 * <p>jcstress creates states by the thousand (one per sample in a stride), so a mapping per state
 * is out of the question. A test class holds one pool in a static field instead; the first state
 * maps it, and it lives until the fork's JVM exits.
 *
 * <p><b>Why no two live states share a slot.</b> Slots are handed out by a bump pointer that wraps
 * after {@link #SLOTS} slots. A jcstress 0.16 runner keeps {@code strideSize × strideCount} states
 * (at most 256 × 40 = 10,240 with every preset mode) in an array; after each round every actor,
 * for its share of the array, runs the arbiter on the old state and then constructs its
 * replacement. So while one actor constructs new states another may still be arbitrating old ones:
 * at most two arrays' worth of states are alive at once, and they are the most recent
 * {@code 2 × strideSize × strideCount} allocations. A slot is reused only {@link #SLOTS} = 65,536
 * allocations later, by then its previous owner is dead, as long as
 * {@code strideSize × strideCount} stays below 32,768. A run with larger {@code -strideSize} /
 * {@code -strideCount} options than that would need a bigger pool.
 *
 * <p><b>Guarantees.</b> Every slot starts at an offset that is a multiple of {@link #SLOT_BYTES}
 * (128, two cache lines), so any width is aligned at any slot offset that is a multiple of it, and
 * offsets {@code 0} and {@link #SECOND_LINE} of a slot lie on different cache lines. A slot's
 * previous contents are not cleared: each state writes the initial values of the locations it
 * uses in its constructor, and jcstress makes constructor writes visible to every actor.
 *
 * <p><b>Broken views.</b> {@link #broken} gives a view of the same memory whose accesses, after
 * {@code SysMem}'s own checks, go through a {@link BrokenAccess} with a {@link Breakage}: the
 * controls of the claims report. A fork started with {@code -D}{@value Breakage#PROPERTY}{@code =NAME}
 * is a mutation run: {@link #io()} itself then hands out the view broken by {@code NAME}, so every
 * test races through the broken implementation and the suite must go red.
 *
 * <pre>{@code
 * private static final SlotPool SLOTS = new SlotPool(SegmentKind.FILE_BACKED, AccessMode.OPAQUE, "MP_U32");
 * private static final SysMem IO = SLOTS.io();
 * private final long x = SLOTS.next();            // this state's slot
 * private final long y = x + SlotPool.SECOND_LINE;
 * }</pre>
 */
public final class SlotPool implements AutoCloseable {

    /** Bytes per slot: two 64-byte cache lines. */
    public static final int SLOT_BYTES = 128;

    /** Offset of the second cache line of a slot. */
    public static final int SECOND_LINE = 64;

    /** Number of slots before the bump pointer wraps. */
    public static final int SLOTS = 1 << 16;

    private final SharedMemory memory;
    private final AccessMode mode;
    private final String label;
    private final long size;
    private final SysMem io;
    private final long mask;
    private final AtomicLong next = new AtomicLong();

    /**
     * Maps {@code SLOTS × SLOT_BYTES} bytes (8 MiB) of {@code kind} memory, accessed in {@code mode}.
     *
     * @param label names the memory in error messages and file names; use the test's class name
     */
    public SlotPool(SegmentKind kind, AccessMode mode, String label) {
        this(kind, mode, label, SLOTS);
    }

    /** A pool of {@code slots} slots (a power of two), for tests that need less than 8 MiB. */
    SlotPool(SegmentKind kind, AccessMode mode, String label, int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slot count must be a power of two, was " + slots);
        }
        this.memory = kind.open((long) slots * SLOT_BYTES, label);
        this.mode = mode;
        this.label = label;
        this.size = (long) slots * SLOT_BYTES;
        this.mask = slots - 1;
        Breakage mutation = mutation();
        this.io = mutation == null ? memory.io(label).withMode(mode) : broken(mutation);
    }

    /** A pool whose memory is a Java {@code long[]}, reached only through {@link #broken} with {@link Breakage#HOISTABLE_READ}. */
    private SlotPool(AccessMode mode, String label) {
        this.memory = null;
        this.mode = mode;
        this.label = label;
        this.size = (long) SLOTS * SLOT_BYTES;
        this.mask = SLOTS - 1;
        this.io = SysMem.intercepted(label + "-heap", size, BrokenAccess.onHeap(size)).withMode(mode);
    }

    /**
     * A pool of {@link #SLOTS} slots on the Java heap, for the control that must race on memory the
     * JIT may keep in a register: its only view is {@code broken(Breakage.HOISTABLE_READ)}.
     */
    public static SlotPool onJavaHeap(AccessMode mode, String label) {
        return new SlotPool(mode, label);
    }

    /** The breakage a mutation run asks for with {@value Breakage#PROPERTY}, or null. */
    static Breakage mutation() {
        String name = System.getProperty(Breakage.PROPERTY, "");
        if (name.isEmpty()) {
            return null;
        }
        try {
            return Breakage.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Breakage.PROPERTY + "=" + name + " names no breakage; known: "
                    + java.util.Arrays.toString(Breakage.values()), e);
        }
    }

    /**
     * A view of the pool's memory, in the pool's mode, whose accesses go through {@code breakage}
     * after {@code SysMem}'s own checks. For a pool {@link #onJavaHeap on the heap}, only
     * {@link Breakage#HOISTABLE_READ} exists.
     *
     * @throws IllegalArgumentException for a breakage this pool's memory cannot take
     */
    public SysMem broken(Breakage breakage) {
        if (memory == null) {
            if (breakage != Breakage.HOISTABLE_READ) {
                throw new IllegalArgumentException("pool '" + label + "' is on the Java heap: only "
                        + Breakage.HOISTABLE_READ + " applies, not " + breakage);
            }
            return io;
        }
        return SysMem.intercepted(label + "-" + breakage, size, BrokenAccess.over(memory.segment(), breakage)).withMode(mode);
    }

    /** The offset of the next slot, for a new state; wraps after {@link #SLOTS} calls. */
    public long next() {
        return (next.getAndIncrement() & mask) * SLOT_BYTES;
    }

    /** The whole pool through the project's I/O API, in the pool's mode. */
    public SysMem io() {
        return io;
    }

    /**
     * The raw segment, only for controls that must go around {@link SysMem}'s checks.
     *
     * @throws UnsupportedOperationException for a pool {@link #onJavaHeap on the heap}
     */
    public MemorySegment segment() {
        if (memory == null) {
            throw new UnsupportedOperationException("pool '" + label + "' is on the Java heap and has no segment");
        }
        return memory.segment();
    }

    /**
     * Unmaps the memory. Generated tests never call it: their pool lives as long as the fork.
     */
    @Override
    public void close() {
        if (memory != null) {
            memory.close();
        }
    }
}
