package dev.sysmem.sim.virtio;

/**
 * The simplest device function that moves data both ways: it copies the chain's readable bytes
 * into its writable buffers, as many as fit, and reports that count as {@code used.len}.
 *
 * <p>Meant for measuring the queue itself (the benchmarks use it) and for tests that check data
 * comes back unchanged; a device with a protocol of its own is {@link RamDisk}.
 *
 * <p><b>Guarantees.</b> Reads only readable buffers and writes only writable ones; the reply is
 * the first {@code min(readableBytes, writableBytes)} bytes of the request, byte for byte.
 * Stateless, so one instance may serve several queues.
 *
 * <pre>{@code
 * VirtqueueDevice device = VirtqueueDevice.attach("echo", guest, layout, features, new Echo(), irq::raise);
 * }</pre>
 */
public final class Echo implements ChainHandler {

    /** An echo handler; it keeps no state. */
    public Echo() {
    }

    @Override
    public long handle(DescriptorChain chain) {
        long want = Math.min(chain.readableBytes(), chain.writableBytes());
        long done = 0;
        for (int i = 0; i < chain.readableCount() && done < want; i++) {
            var buffer = chain.readable(i);
            long n = Math.min(buffer.byteSize(), want - done);
            done += chain.scatter(done, buffer.asSlice(0, n));
        }
        return done;
    }
}
