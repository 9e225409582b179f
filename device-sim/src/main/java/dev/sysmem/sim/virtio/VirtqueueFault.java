package dev.sysmem.sim.virtio;

/**
 * One side of a virtqueue found the other side breaking the VIRTIO split-ring rules: a descriptor
 * outside guest memory, a chain that loops, an {@code INDIRECT} descriptor that was not
 * negotiated, a readable descriptor after a writable one, a ring index that jumped by more than
 * the queue size, a used entry naming a descriptor that is not a chain head in flight.
 *
 * <p>A real device reacts by setting {@code DEVICE_NEEDS_RESET}; the simulated one stops and
 * reports this exception (through its runner, to the test that started it). The message names the
 * queue and, where there is one, the descriptor index, address and length involved.
 *
 * <p><b>Guarantees.</b> When the device throws it, nothing of the offending chain was written to
 * the used ring; the queue refuses further work until it is made anew.
 */
public final class VirtqueueFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String queue;

    VirtqueueFault(String queue, String message) {
        super("virtqueue '" + queue + "': " + message);
        this.queue = queue;
    }

    /** Name of the queue the fault was found on. */
    public String queue() {
        return queue;
    }
}
