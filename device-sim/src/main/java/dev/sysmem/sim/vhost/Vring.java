package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;
import dev.sysmem.sim.virtio.VirtqueueDevice;

/**
 * What the front-end told the back-end about one virtqueue: its size, ring addresses (front-end
 * virtual addresses), base index, the kick / call / error eventfds, and whether it is enabled and
 * started; plus the running queue engine once all of that is in place.
 *
 * <p>Ring states (vhost-user.rst, "Ring states"): a ring starts when its kick descriptor arrives
 * and stops at {@code GET_VRING_BASE}; with {@code VHOST_USER_F_PROTOCOL_FEATURES} negotiated it
 * also needs {@code SET_VRING_ENABLE(1)}. It is served only while started, enabled, fully
 * described and backed by a memory table. Owned by the back-end's thread.
 */
final class Vring {

    final int index;
    int size;
    long descriptorTableAddress;
    long usedRingAddress;
    long availableRingAddress;
    boolean addressed;
    /** {@code last_avail_idx} while the queue engine is not running. */
    int base;
    int kickFd = -1;
    int callFd = -1;
    int errFd = -1;
    boolean started;
    boolean enabled;
    /** The running engine, or null. */
    VirtqueueDevice device;
    /** Why the queue stopped serving after a fault, or null. */
    volatile String fault;
    /** Chains served by engines that have since been parked. */
    long servedBefore;

    Vring(int index) {
        this.index = index;
    }

    /** The next index the device will take, whether the engine runs or not. */
    int lastAvailIdx() {
        return device != null ? device.lastAvailIdx() : base;
    }

    /** Chains served on this ring since the connection began. */
    long chainsServed() {
        return servedBefore + (device != null ? device.chainsServed() : 0);
    }

    /** Stops the engine, keeping its position in {@link #base}. */
    void park() {
        if (device != null) {
            base = device.lastAvailIdx();
            servedBefore += device.chainsServed();
            device = null;
        }
    }

    void replaceKick(int fd) {
        Libc.closeQuietly(kickFd);
        kickFd = fd;
    }

    void replaceCall(int fd) {
        Libc.closeQuietly(callFd);
        callFd = fd;
    }

    void replaceErr(int fd) {
        Libc.closeQuietly(errFd);
        errFd = fd;
    }

    /** Closes every descriptor and stops the engine. */
    void release() {
        park();
        replaceKick(-1);
        replaceCall(-1);
        replaceErr(-1);
    }

    @Override
    public String toString() {
        return "vring " + index + " [size " + size + ", " + (started ? "started" : "stopped") + ", "
                + (enabled ? "enabled" : "disabled") + ", last_avail_idx " + lastAvailIdx()
                + (fault != null ? ", faulted" : "") + "]";
    }
}
