package dev.sysmem.explore.races;

import dev.sysmem.explore.ExploredRun;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Barriers;
import dev.sysmem.io.Poll;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.virtio.Echo;
import dev.sysmem.sim.virtio.VirtioDevice;
import dev.sysmem.sim.virtio.VirtioFeatures;
import dev.sysmem.sim.virtio.VirtqueueDevice;
import dev.sysmem.sim.virtio.VirtqueueLayout;

import java.time.Duration;

/**
 * Two virtqueue drivers, written from the VIRTIO 1.x split-ring layout, that each leave out one
 * ordering the specification requires (2.7.13 "Supplying Buffers to The Device": the driver
 * "MUST perform a suitable memory barrier before the idx update"; 2.7.14 "Receiving Used
 * Buffers": the used ring entries are read only after {@code used.idx}):
 * <ul>
 *   <li>{@link #DESCRIPTOR_WITHOUT_WMB}: descriptors and the available-ring entry are written with
 *       opaque stores and {@code avail.idx} published without a {@code Barriers.wmb()} before it,
 *       so the device may read the new index and then the old descriptor;</li>
 *   <li>{@link #USED_INDEX_WITHOUT_ACQUIRE}: {@code used.idx} is polled with an opaque read and the
 *       used element read after it with nothing ordering the two, so the driver may see the new
 *       index and the old element.</li>
 * </ul>
 * And {@link #USED_ELEMENT_BEFORE_INDEX}, a race in any memory model, which the explorer finds on
 * sequentially consistent memory too.
 *
 * <p>x86-64 keeps stores in order and loads in order, so the first two never fail on free-running threads
 * here; on aarch64 or POWER both can. The weak-memory explorer shows them on any machine. The
 * device is device-sim's {@link VirtioDevice} with the {@link Echo} function, unchanged.
 */
public final class VirtqueueMissingOrdering {

    /** The descriptor published without a write barrier, and the fix (the barrier). */
    public static final KnownRace DESCRIPTOR_WITHOUT_WMB = new KnownRace("virtqueue avail.idx published without wmb",
            run -> drive(run, false, AccessMode.ACQUIRE_RELEASE, false),
            run -> drive(run, true, AccessMode.ACQUIRE_RELEASE, false));

    /** The used index read without acquire, and the fix (an acquire read). */
    public static final KnownRace USED_INDEX_WITHOUT_ACQUIRE = new KnownRace("virtqueue used.idx read without acquire",
            run -> drive(run, true, AccessMode.OPAQUE, false),
            run -> drive(run, true, AccessMode.ACQUIRE_RELEASE, false));

    /**
     * A race in any memory model: the driver reads the used element before it waits for
     * {@code used.idx}, so a device that has not served the request yet leaves it the old element.
     * The fix is the specification's order: the index, then the element.
     */
    public static final KnownRace USED_ELEMENT_BEFORE_INDEX = new KnownRace("virtqueue used element read before used.idx",
            run -> drive(run, true, AccessMode.ACQUIRE_RELEASE, true),
            run -> drive(run, true, AccessMode.ACQUIRE_RELEASE, false));

    private static final int QUEUE_SIZE = 4;
    private static final long REQUEST = 0x800;
    private static final long REPLY = 0x900;
    private static final long PAYLOAD = 0x1122_3344_5566_7788L;
    private static final Duration POLL = Duration.ofNanos(50_000);
    private static final Duration DEADLINE = Duration.ofMillis(50);

    private VirtqueueMissingOrdering() {
    }

    private static void drive(ExploredRun run, boolean wmbBeforeIndex, AccessMode usedIndexMode, boolean elementFirst)
            throws Exception {
        SysMem guest = run.memory("guest", 4096);
        VirtqueueLayout layout = VirtqueueLayout.contiguous(QUEUE_SIZE, 0);
        VirtioDevice device = new VirtioDevice("echo", 0x1f, guest, layout, VirtioFeatures.NONE, new Echo());
        try (DeviceRunner runner = new DeviceRunner().start(device)) {
            guest.write64(REQUEST, PAYLOAD);
            descriptor(guest, layout, 0, REQUEST, VirtqueueDevice.DESC_F_NEXT, 1);
            descriptor(guest, layout, 1, REPLY, VirtqueueDevice.DESC_F_WRITE, 0);
            guest.write16(layout.availRing(0), 0);
            if (wmbBeforeIndex) {
                Barriers.wmb();
            }
            guest.write16(layout.availIdx(), 1);
            Barriers.mb();
            device.queueNotifier().run();
            SysMem used = guest.withMode(usedIndexMode);
            int id = 0;
            int length = 0;
            if (elementFirst) {
                id = guest.read32(layout.usedElement(0));
                length = guest.read32(layout.usedElement(0) + 4);
            }
            Poll.readPollTimeout(() -> used.read16(layout.usedIdx()), idx -> idx == 1, POLL, DEADLINE);
            if (!elementFirst) {
                id = guest.read32(layout.usedElement(0));
                length = guest.read32(layout.usedElement(0) + 4);
            }
            if (id != 0 || length != Long.BYTES) {
                throw new AssertionError("used.idx = 1 but the used element reads id " + id + ", len " + length
                        + " (expected id 0, len 8)");
            }
            long echoed = guest.read64(REPLY);
            if (echoed != PAYLOAD) {
                throw new AssertionError("the device echoed 0x" + Long.toHexString(echoed) + ", not the request 0x"
                        + Long.toHexString(PAYLOAD));
            }
            runner.checkHealthy();
        }
    }

    /** Descriptor {@code index}: 8 bytes at {@code address}, with {@code flags} and {@code next}. */
    private static void descriptor(SysMem guest, VirtqueueLayout layout, int index, long address, int flags, int next) {
        long d = layout.descriptor(index);
        guest.write64(d, address);
        guest.write32(d + 8, Long.BYTES);
        guest.write16(d + 12, flags);
        guest.write16(d + 14, next);
    }
}
