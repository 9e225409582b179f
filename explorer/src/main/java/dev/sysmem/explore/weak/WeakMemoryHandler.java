package dev.sysmem.explore.weak;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;
import dev.sysmem.io.spi.Fence;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves the accesses of intercepted {@code SysMem} views from a {@link WeakMemory}: each read
 * may return any write its mode allows, chosen by the model's {@link Chooser}. The explorer puts
 * it behind its scheduling handler, so that one thread runs at a time and the chooser is the
 * exploration's seeded, recorded source.
 *
 * <p>Threads become model threads on their first access, in the order they first access the
 * memory, which a controlled schedule makes deterministic.
 */
public final class WeakMemoryHandler implements AccessHandler {

    private final WeakMemory memory;
    private final Map<Thread, ModelThread> threads = new HashMap<>();

    /** A handler over {@code backing} with {@code historyBound} writes per location. */
    public WeakMemoryHandler(MemorySegment backing, int historyBound, Chooser chooser) {
        this.memory = new WeakMemory(backing, historyBound, chooser);
    }

    /** The model, for its data-race list and final values. */
    public WeakMemory memory() {
        return memory;
    }

    private ModelThread current() {
        Thread t = Thread.currentThread();
        return threads.computeIfAbsent(t, thread -> memory.thread(thread.getName()));
    }

    private static String location(String region, long offset) {
        return region + "+0x" + Long.toHexString(offset);
    }

    @Override
    public long read(String region, long offset, long address, Width width, AccessMode mode) {
        return memory.read(current(), location(region, offset), address, width, mode);
    }

    @Override
    public void write(String region, long offset, long address, Width width, AccessMode mode, long value) {
        memory.write(current(), location(region, offset), address, width, mode, value);
    }

    @Override
    public long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand) {
        return memory.update(current(), location(region, offset), address, width, op, expected, operand);
    }

    /** A fence by the current thread; the explorer calls this from its scheduling hooks. */
    public void fence(Fence fence) {
        memory.fence(current(), fence);
    }
}
