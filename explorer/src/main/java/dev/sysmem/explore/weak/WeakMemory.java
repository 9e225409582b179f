package dev.sysmem.explore.weak;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AtomicOp;
import dev.sysmem.io.spi.Fence;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An operational weak-memory model of Java's access modes over one region of memory: a read may
 * return any write the mode allows, not only the newest, and every such decision is taken by a
 * {@link Chooser}, so an execution is identified (and replayed) by its decisions.
 *
 * <p><b>The semantics</b> follow the promise-free part of the view-based operational semantics of
 * the promising-semantics line of work (Kang et al., POPL 2017; Lee et al., PLDI 2020), with the
 * access modes mapped as Bender and Palsberg's formalisation of Java's access modes (OOPSLA 2019)
 * and its later revision (Liu, Bender and Palsberg, ECOOP 2022) read them:
 * <ul>
 *   <li>Every location keeps its writes in modification order (a bounded history). Each thread
 *       has a view: per location, the newest write it has observed.</li>
 *   <li>{@code OPAQUE} read: any write not older than the thread's view of that location
 *       (coherence). {@code OPAQUE} write: placed anywhere after the thread's view of that
 *       location, not only at the end (this is what produces the weak outcomes of 2+2W, R and
 *       S), never between an atomic update and the write it read.</li>
 *   <li>{@code ACQUIRE_RELEASE}: a release write carries the writer's whole view; an acquire read
 *       joins the view of the write it reads. Release sequences are not modelled (a later opaque
 *       write to the same location carries only itself), as in Java and unlike C11.</li>
 *   <li>{@code VOLATILE}: a volatile read is a full fence followed by an acquire read, a volatile
 *       write a release write followed by a full fence. Full fences ({@code Barriers.mb}) order
 *       through one global sequentially consistent view. This is at least as strong as volatile
 *       accesses are among themselves; it also orders opaque accesses next to a volatile one,
 *       which the Java memory model does not promise (a known strengthening).</li>
 *   <li>{@code Barriers.rmb}/{@code dmaRmb}: an acquire fence (the JDK's {@code loadLoadFence}
 *       is its {@code loadFence}). {@code Barriers.wmb}/{@code dmaWmb}: a store-store fence that
 *       orders the thread's own earlier writes before its later ones, and nothing else: not
 *       cumulative, as the kernel's {@code smp_wmb} and the Javadoc of {@code storeStoreFence}
 *       promise (the JDK happens to implement it as a release fence; code that relies on that is
 *       shown its bug).</li>
 *   <li>Atomic read-modify-writes (always sequentially consistent in sysmem) read the newest
 *       write, place theirs right after it, and are full fences on both sides.</li>
 *   <li>{@code PLAIN} accesses on explored memory are data races: they are recorded
 *       ({@link #dataRaces()}) and otherwise behave as opaque ones.</li>
 * </ul>
 *
 * <p><b>Eventual visibility.</b> Java promises that an opaque write becomes visible to other
 * threads eventually; a model that let a poll read the old value for ever would report hangs no
 * JVM can produce. With a stale-read bound, a thread that has read an old value of a location that
 * many times in a row reads the newest next time.
 *
 * <p><b>Known differences, stated in every report that uses the model.</b> There are no promises,
 * so load buffering (a read returning a write that is later in its own thread's program order)
 * is never produced, although {@code PLAIN} Java allows it (opaque and stronger forbid it). The
 * history is bounded ({@link #historyBound()}). Accesses of different widths that overlap make
 * the overlapping locations sequentially consistent from then on (mixed-size accesses are not
 * modelled).
 *
 * <p>The newest write of every location is also written to the backing memory, so the memory
 * holds the sequentially consistent end state an observer outside the model would see.
 *
 * <p>Not thread-safe: an explorer runs one managed thread at a time.
 */
public final class WeakMemory {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment backing;
    private final int historyBound;
    private final int staleReadBound;
    private final Chooser chooser;
    private final Map<Long, Cell> cells = new HashMap<>();
    private final List<ModelThread> threads = new ArrayList<>();
    private final View sequentiallyConsistent = new View();
    private final List<String> dataRaces = new ArrayList<>();

    /**
     * A model that lets a thread read a stale value of a location any number of times in a row
     * (litmus tests read each location once or twice).
     *
     * @param backing      the memory modelled; its current contents are every location's
     *                     initial write
     * @param historyBound how many writes each location remembers (at least 2)
     * @param chooser      takes every decision
     */
    public WeakMemory(MemorySegment backing, int historyBound, Chooser chooser) {
        this(backing, historyBound, Integer.MAX_VALUE, chooser);
    }

    /**
     * @param backing        the memory modelled; its current contents are every location's
     *                       initial write
     * @param historyBound   how many writes each location remembers (at least 2)
     * @param staleReadBound how many reads in a row one thread may take a write older than the
     *                       newest of one location; the next read returns the newest. Java
     *                       promises that opaque writes become visible eventually; this bound
     *                       is that promise for programs that poll, so that a poll loop is not
     *                       starved by the model for ever
     * @param chooser        takes every decision
     */
    public WeakMemory(MemorySegment backing, int historyBound, int staleReadBound, Chooser chooser) {
        this.backing = Objects.requireNonNull(backing, "backing");
        if (historyBound < 2) {
            throw new IllegalArgumentException("history bound must be at least 2, was " + historyBound);
        }
        if (staleReadBound < 0) {
            throw new IllegalArgumentException("stale-read bound must not be negative, was " + staleReadBound);
        }
        this.historyBound = historyBound;
        this.staleReadBound = staleReadBound;
        this.chooser = Objects.requireNonNull(chooser, "chooser");
    }

    /** How many writes each location remembers. */
    public int historyBound() {
        return historyBound;
    }

    /** Registers a thread; its index is the number of threads registered before it. */
    public ModelThread thread(String name) {
        ModelThread t = new ModelThread(threads.size(), Objects.requireNonNull(name, "name"));
        threads.add(t);
        return t;
    }

    /** The plain accesses seen so far, one line each (thread, location, read or write). */
    public List<String> dataRaces() {
        return Collections.unmodifiableList(dataRaces);
    }

    /**
     * A read of {@code width} at {@code address}, in {@code mode}, by {@code thread}; returns the
     * value (zero-extended) of the write chosen.
     *
     * @param name the location's name for traces (e.g. {@code "bar0+0x10"})
     */
    public long read(ModelThread thread, String name, long address, Width width, AccessMode mode) {
        Cell cell = cell(name, address, width);
        noteRace(thread, cell, mode, "read");
        if (mode == AccessMode.VOLATILE) {
            fullFence(thread);
        }
        int newest = cell.order.size() - 1;
        int stale = thread.staleReads.getOrDefault(cell, 0);
        int oldest = stale >= staleReadBound ? newest : thread.current.timestamp(cell);
        int choice = newest == oldest ? 0 : chooser.choose(newest - oldest + 1, thread.name + " reads " + cell);
        Message m = cell.order.get(newest - choice);
        thread.staleReads.put(cell, choice == 0 ? 0 : stale + 1);
        thread.current.observe(m);
        thread.acquirable.observe(m);
        thread.acquirable.join(m.view);
        if (mode == AccessMode.ACQUIRE_RELEASE || mode == AccessMode.VOLATILE) {
            thread.current.join(m.view);
        }
        return m.value;
    }

    /** A write of {@code value} (its low bits) at {@code address}, in {@code mode}, by {@code thread}. */
    public void write(ModelThread thread, String name, long address, Width width, AccessMode mode, long value) {
        Cell cell = cell(name, address, width);
        noteRace(thread, cell, mode, "write");
        boolean release = mode == AccessMode.ACQUIRE_RELEASE || mode == AccessMode.VOLATILE;
        Message m = new Message(cell, value & width.mask(), thread.index, false);
        insert(thread, cell, m, chooseSlot(thread, cell));
        thread.current.observe(m);
        thread.acquirable.observe(m);
        thread.ownWrites.observe(m);
        View carried = release ? thread.current.copy() : thread.fenced.copy();
        carried.observe(m);
        m.view = carried;
        if (mode == AccessMode.VOLATILE) {
            fullFence(thread);
        }
    }

    /**
     * An atomic read-modify-write, sequentially consistent; returns the value found before it.
     * A compare-and-* whose comparison fails writes nothing.
     */
    public long update(ModelThread thread, String name, long address, Width width, AtomicOp op, long expected, long operand) {
        Cell cell = cell(name, address, width);
        fullFence(thread);
        Message read = cell.newest();
        thread.current.observe(read);
        thread.current.join(read.view);
        thread.acquirable.observe(read);
        thread.acquirable.join(read.view);
        long old = read.value;
        long mask = width.mask();
        long next = switch (op) {
            case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> old == (expected & mask) ? operand & mask : old;
            case GET_AND_ADD -> (old + operand) & mask;
            case GET_AND_SET -> operand & mask;
            case GET_AND_BITWISE_OR -> (old | operand) & mask;
            case GET_AND_BITWISE_AND -> (old & operand) & mask;
        };
        boolean writes = switch (op) {
            case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> old == (expected & mask);
            default -> true;
        };
        if (writes) {
            Message m = new Message(cell, next, thread.index, true);
            insert(thread, cell, m, cell.order.size());
            thread.current.observe(m);
            thread.acquirable.observe(m);
            thread.ownWrites.observe(m);
            View carried = thread.current.copy();
            m.view = carried;
        }
        fullFence(thread);
        return old;
    }

    /** A fence by {@code thread}, as {@link dev.sysmem.io.Barriers} makes it. */
    public void fence(ModelThread thread, Fence fence) {
        switch (fence) {
            case MB -> fullFence(thread);
            case RMB, DMA_RMB -> thread.current.join(thread.acquirable);
            case WMB, DMA_WMB -> {
                View fenced = thread.fenced.copy();
                fenced.join(thread.ownWrites);
                thread.fenced = fenced;
            }
        }
    }

    /** The newest value (in modification order) of the location, as the backing memory holds it. */
    public long newest(long address, Width width) {
        return load(address, width);
    }

    private void fullFence(ModelThread thread) {
        thread.current.join(thread.acquirable);
        sequentiallyConsistent.join(thread.current);
        thread.current.join(sequentiallyConsistent);
        thread.acquirable.join(sequentiallyConsistent);
        thread.fenced = thread.current.copy();
    }

    /** Where a new write goes: 0 is the end of the modification order; n skips n writes back. */
    private int chooseSlot(ModelThread thread, Cell cell) {
        int after = thread.current.timestamp(cell);
        List<Integer> slots = new ArrayList<>();
        for (int slot = cell.order.size(); slot > after; slot--) {
            // A write cannot separate an atomic update from the write the update read.
            if (slot == cell.order.size() || !cell.order.get(slot).update) {
                slots.add(slot);
            }
        }
        int choice = slots.size() == 1 ? 0 : chooser.choose(slots.size(), thread.name + " places its write to " + cell);
        return slots.get(choice);
    }

    private void insert(ModelThread thread, Cell cell, Message m, int slot) {
        cell.order.add(slot, m);
        if (slot == cell.order.size() - 1) {
            store(cell.address, cell.width, m.value);
        }
        while (cell.order.size() > historyBound) {
            cell.order.removeFirst();
        }
    }

    private void noteRace(ModelThread thread, Cell cell, AccessMode mode, String what) {
        if (mode == AccessMode.PLAIN) {
            dataRaces.add(thread.name + ": plain " + what + " of " + cell
                    + " on explored memory is a data race (use OPAQUE or stronger)");
        }
    }

    private Cell cell(String name, long address, Width width) {
        Cell cell = cells.get(address);
        if (cell != null && cell.width == width) {
            return cell;
        }
        // Mixed sizes: forget every overlapping location; from now on it holds only its newest value.
        for (Iterator<Cell> it = cells.values().iterator(); it.hasNext(); ) {
            if (it.next().overlaps(address, width)) {
                it.remove();
            }
        }
        cell = new Cell(address, width, name);
        Message initial = new Message(cell, load(address, width), -1, false);
        cell.order.add(initial);
        cells.put(address, cell);
        return cell;
    }

    private long load(long address, Width width) {
        return switch (width) {
            case U8 -> Byte.toUnsignedLong((byte) U8.get(backing, address));
            case U16 -> Short.toUnsignedLong((short) U16.get(backing, address));
            case U32 -> Integer.toUnsignedLong((int) U32.get(backing, address));
            case U64 -> (long) U64.get(backing, address);
        };
    }

    private void store(long address, Width width, long value) {
        switch (width) {
            case U8 -> U8.set(backing, address, (byte) value);
            case U16 -> U16.set(backing, address, (short) value);
            case U32 -> U32.set(backing, address, (int) value);
            case U64 -> U64.set(backing, address, value);
        }
    }
}
