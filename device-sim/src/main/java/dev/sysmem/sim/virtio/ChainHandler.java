package dev.sysmem.sim.virtio;

/**
 * The function a virtqueue device performs on each descriptor chain the driver makes available:
 * read the request from the chain's readable buffers, do the work, write the reply into its
 * writable buffers, and say how many bytes were written.
 *
 * <p>The count becomes the used entry's {@code len}: VIRTIO 1.x, "The Virtqueue Used Ring":
 * "{@code len} the total of bytes written into the buffer", and the device "MUST write at least
 * {@code len} bytes to descriptor, beginning at the first device-writable buffer".
 *
 * <p><b>Contract.</b> Called on the device's thread only, one chain at a time; the chain is valid
 * during the call only. Return a count in [0, {@link DescriptorChain#writableBytes()}];
 * {@link VirtqueueDevice} treats anything else as a device bug. An exception thrown here stops the
 * device like a {@link VirtqueueFault} (the chain gets no used entry): throw only for a request the
 * device cannot even answer, and answer errors the protocol can carry (a status byte) in the reply.
 *
 * <pre>{@code
 * ChainHandler upperCase = chain -> {
 *     MemorySegment in = scratch.asSlice(0, chain.readableBytes());
 *     chain.gather(0, in);
 *     ...transform in place...
 *     return chain.scatter(0, in);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ChainHandler {

    /** Serves {@code chain}; returns the number of bytes written into its writable buffers. */
    long handle(DescriptorChain chain);
}
