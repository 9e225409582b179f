package dev.sysmem.explore.weak;

import java.util.HashMap;
import java.util.Map;

/**
 * A thread as the weak-memory model sees it: what it has observed, and what its writes carry.
 *
 * <ul>
 *   <li>{@code current}: per location, the newest write this thread has observed; its reads
 *       return that write or a newer one (coherence), its writes go after it.</li>
 *   <li>{@code acquirable}: what an acquire fence ({@code Barriers.rmb}) would make current: the
 *       views of every write it has read.</li>
 *   <li>{@code ownWrites}: the thread's own writes, which a store-store fence
 *       ({@code Barriers.wmb}) orders before its later writes.</li>
 *   <li>{@code fenced}: the view the thread's later non-release writes carry, set by its last
 *       store-store or full fence.</li>
 * </ul>
 */
public final class ModelThread {

    final int index;
    final String name;
    final View current = new View();
    final View acquirable = new View();
    final View ownWrites = new View();
    View fenced = new View();
    /** Per location, how many reads in a row returned a write older than the newest. */
    final Map<Cell, Integer> staleReads = new HashMap<>();

    ModelThread(int index, String name) {
        this.index = index;
        this.name = name;
    }

    /** The index the model gave this thread, in creation order from 0. */
    public int index() {
        return index;
    }

    /** The name given when the thread was registered. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
