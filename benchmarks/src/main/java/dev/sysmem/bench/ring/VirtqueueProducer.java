package dev.sysmem.bench.ring;

import dev.sysmem.bench.Spin;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.virtio.ChainHandler;
import dev.sysmem.sim.virtio.VirtioFeatures;
import dev.sysmem.sim.virtio.VirtqueueDevice;
import dev.sysmem.sim.virtio.VirtqueueDriver;
import dev.sysmem.sim.virtio.VirtqueueLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The driver half of the virtqueue throughput benchmarks: a {@link VirtqueueDriver} over guest
 * memory holding the queue ({@link RingShape#SLOTS} entries) and one payload buffer per entry.
 * Each {@link #send} copies the payload into a free buffer, adds it as a one-descriptor chain,
 * and kicks if the device asked for kicks; when every buffer is in flight it harvests used
 * buffers, spinning until the device returns one. The device's function copies each payload out
 * ({@link #copyOut}). The benchmark classes choose how the device runs.
 *
 * <p>Free buffers are reused in the order that gives each descriptor back the buffer it held
 * before, as a driver that re-posts its buffers does, so that the driver's unchanged descriptor
 * fields are not written again: last in, first out without {@code VIRTIO_F_IN_ORDER} (the
 * driver's free list is last in, first out too), first in, first out with it (descriptors go
 * round the table in order).
 *
 * <p>Not a JMH state itself: the benchmark classes hold one and drive it from their setup.
 */
final class VirtqueueProducer implements AutoCloseable {

    /** What the queue negotiates: VIRTIO 1.x with event-index suppression, as Linux drivers do. */
    static final VirtioFeatures FEATURES = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
    /** The same with {@code VIRTIO_F_IN_ORDER}: one used element per batch, descriptors in ring order. */
    static final VirtioFeatures FEATURES_IN_ORDER =
            VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.IN_ORDER);

    /** The name of the device {@link #startPollingDevice} starts; its thread is {@code device-<name>}. */
    static final String POLLING_DEVICE = "virtq-poll";

    final SharedMemory memory;
    final SysMem guest;
    final VirtqueueLayout layout;
    final DeviceRunner runner = new DeviceRunner();
    private final int payload;
    private final VirtioFeatures features;
    private final boolean inOrder;
    private final long buffers;
    private final MemorySegment source;
    private final MemorySegment destination;
    private final int[] freeBuffers = new int[RingShape.SLOTS];
    private final int[] bufferOfHead = new int[RingShape.SLOTS];
    private final VirtqueueDriver.Completion recycle;
    private final long[] chainAddress = new long[1];
    private final long[] chainLength = new long[1];
    private int freeCount;
    // First-in-first-out pool positions (IN_ORDER): take from freeTake, put back at freePut.
    private int freeTake;
    private int freePut;
    private int unkicked;
    private VirtqueueDriver driver;

    VirtqueueProducer(int payload) {
        this(payload, false);
    }

    /** A producer whose queue negotiates {@link #FEATURES_IN_ORDER} if {@code inOrder}, else {@link #FEATURES}. */
    VirtqueueProducer(int payload, boolean inOrder) {
        this.payload = payload;
        this.features = inOrder ? FEATURES_IN_ORDER : FEATURES;
        this.inOrder = inOrder;
        this.layout = VirtqueueLayout.contiguous(RingShape.SLOTS, 0);
        this.buffers = align(layout.end(), 4096);
        long size = buffers + (long) RingShape.SLOTS * payload + 2L * payload;
        this.memory = SharedMemory.anonymous(align(size, 4096));
        this.guest = memory.io("guest");
        this.source = memory.segment().asSlice(buffers + (long) RingShape.SLOTS * payload, payload);
        this.destination = memory.segment().asSlice(buffers + (long) RingShape.SLOTS * payload + payload, payload);
        for (int i = 0; i < payload; i++) {
            source.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        for (int i = 0; i < RingShape.SLOTS; i++) {
            freeBuffers[freeCount++] = i;
        }
        this.recycle = inOrder ? (head, written) -> {
            freeBuffers[freePut] = bufferOfHead[head];
            freePut = (freePut + 1) % RingShape.SLOTS;
            freeCount++;
        } : (head, written) -> freeBuffers[freeCount++] = bufferOfHead[head];
    }

    /** The features both sides of the queue use. */
    VirtioFeatures features() {
        return features;
    }

    private int takeBuffer() {
        if (inOrder) {
            int buffer = freeBuffers[freeTake];
            freeTake = (freeTake + 1) % RingShape.SLOTS;
            freeCount--;
            return buffer;
        }
        return freeBuffers[--freeCount];
    }

    private static long align(long value, long to) {
        return (value + to - 1) / to * to;
    }

    /** The device function: copies each chain's payload out of guest memory, writes nothing back. */
    ChainHandler copyOut() {
        MemorySegment out = destination;
        return chain -> {
            chain.gather(0, out);
            return 0;
        };
    }

    /** Makes the driver side; {@code notifier} kicks the device. Call before the device starts. */
    void createDriver(Runnable notifier) {
        driver = VirtqueueDriver.create("bench", guest, layout, features, notifier);
        // The driver harvests by polling, as a busy NAPI loop does: no used-buffer interrupts.
        driver.disableInterrupts();
    }

    /**
     * Makes the driver side, with kicks that do nothing, and starts a device-sim device whose
     * thread polls the available ring (a poll-mode device, as vhost-user and DPDK back ends run)
     * and copies each payload out.
     */
    void startPollingDevice() {
        createDriver(() -> { });
        runner.start(new Device() {
            @Override
            public String name() {
                return POLLING_DEVICE;
            }

            @Override
            public void run(DeviceContext context) {
                VirtqueueDevice queue = VirtqueueDevice.attach("bench", guest, layout, features, copyOut(), () -> { });
                queue.disableNotifications();
                long idle = 0;
                while (!context.isStopping()) {
                    if (queue.processAvailable() == 0) {
                        Spin.idle(++idle);
                    } else {
                        idle = 0;
                    }
                }
            }
        });
    }

    /**
     * Sends one payload through the queue, publishing it at once ({@link VirtqueueDriver#add}) and
     * kicking (if the device asked for kicks) after it.
     */
    void send() {
        sendWithoutKick(false);
        driver.kickIfNeeded();
    }

    /**
     * Sends one payload as part of a burst of {@code batch} buffers: added with
     * {@link VirtqueueDriver#addReadableToBatch}, published with one {@code avail.idx} store and a kick
     * decision after every {@code batch} buffers (as Linux's network drivers kick once per burst,
     * {@code xmit_more}, and DPDK's virtio driver publishes once per burst), or before waiting for
     * a free buffer.
     */
    void sendBatched(int batch) {
        sendWithoutKick(true);
        if (++unkicked == batch) {
            unkicked = 0;
            driver.kickIfNeeded();
        }
    }

    private void sendWithoutKick(boolean inBatch) {
        if (freeCount == 0) {
            driver.kickIfNeeded();
            unkicked = 0;
            long spins = 0;
            long since = 0;
            while (driver.harvest(recycle) == 0) {
                Spin.idle(++spins);
                if ((spins & Spin.CHECK_MASK) == 0) {
                    runner.checkHealthy();
                    since = Spin.check(since, "the virtqueue device to return a used buffer");
                }
            }
        }
        int buffer = takeBuffer();
        long address = buffers + (long) buffer * payload;
        MemorySegment.copy(source, 0, memory.segment(), address, payload);
        int head;
        if (inBatch) {
            head = driver.addReadableToBatch(address, payload);
        } else {
            chainAddress[0] = address;
            chainLength[0] = payload;
            head = driver.add(chainAddress, chainLength, 1, 0);
        }
        if (head < 0) {
            throw new IllegalStateException("the virtqueue had no free descriptor although buffer " + buffer + " was free");
        }
        bufferOfHead[head] = buffer;
    }

    /**
     * Makes the driver side and the device side on this thread, for {@link #sendBatchOnThisThread}:
     * no device thread, no kicks or interrupts needed.
     */
    VirtqueueDevice attachDeviceOnThisThread() {
        createDriver(() -> { });
        VirtqueueDevice queue = VirtqueueDevice.attach("bench", guest, layout, features, copyOut(), () -> { });
        queue.disableNotifications();
        return queue;
    }

    /**
     * Both sides of {@code batch} buffers on the calling thread: the driver adds them, deciding on
     * a kick every {@code kickEvery}, {@code device} serves them (copying each payload out), the
     * driver harvests them. {@code batch} must be at most {@link RingShape#SLOTS}.
     */
    void sendBatchOnThisThread(VirtqueueDevice device, int batch, int kickEvery) {
        for (int i = 0; i < batch; i++) {
            sendBatched(kickEvery);
        }
        driver.kickIfNeeded();
        unkicked = 0;
        if (device.processAvailable() != batch || driver.harvest(recycle) != batch) {
            throw new IllegalStateException("the device served or the driver harvested fewer than " + batch + " buffers");
        }
    }

    /** Descriptor fields the driver has written so far ({@link VirtqueueDriver#descriptorWrites()}). */
    long descriptorWrites() {
        return driver.descriptorWrites();
    }

    @Override
    public void close() {
        try {
            runner.close();
        } finally {
            memory.close();
        }
    }
}
