package dev.sysmem.sim.virtio;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;

import java.util.ArrayList;
import java.util.List;

/**
 * A driver and a device on one queue in fresh guest memory, stepped by the test on one thread:
 * the rings at 0, buffers from {@link #buffers} on. Counts kicks and interrupts and records, for
 * each interrupt, how many chains the device had served.
 */
final class QueuePair implements AutoCloseable {

    private static final VirtioFeatures OFFERED = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);

    final SharedMemory memory;
    final SysMem guest;
    final VirtqueueLayout layout;
    final VirtqueueDriver driver;
    final VirtqueueDevice device;
    final long buffers;
    final List<Long> interruptsAtChain = new ArrayList<>();
    long kicks;
    long interrupts;

    QueuePair(int queueSize, boolean eventIdx, ChainHandler handler, long memorySize) {
        this(queueSize, VirtioFeatures.negotiate(OFFERED, eventIdx ? OFFERED : VirtioFeatures.of(VirtioFeatures.VERSION_1)),
                handler, memorySize);
    }

    /** Both sides following {@code features}, as negotiated. */
    QueuePair(int queueSize, VirtioFeatures features, ChainHandler handler, long memorySize) {
        this(queueSize, features, handler, memorySize, 0);
    }

    /** The same with the rings from {@code base} on instead of 0; buffers still from the end of the rings. */
    QueuePair(int queueSize, VirtioFeatures features, ChainHandler handler, long memorySize, long base) {
        memory = SharedMemory.anonymous(memorySize);
        guest = memory.io("guest");
        layout = VirtqueueLayout.contiguous(queueSize, base);
        buffers = (layout.end() + 4095) & -4096L;
        driver = VirtqueueDriver.create("q", guest, layout, features, () -> kicks++);
        VirtqueueDevice[] self = new VirtqueueDevice[1];
        device = VirtqueueDevice.attach("q", guest, layout, features, handler, () -> {
            interrupts++;
            interruptsAtChain.add(self[0].chainsServed());
        });
        self[0] = device;
    }

    QueuePair(int queueSize, boolean eventIdx, ChainHandler handler) {
        this(queueSize, eventIdx, handler, 1 << 20);
    }

    int read16(long offset) {
        return guest.read16(offset);
    }

    @Override
    public void close() {
        memory.close();
    }
}
