package dev.sysmem.sim.ivshmem;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * A peer hosted by an {@link IvshmemServer} in this JVM: what a simulated device uses to be rung by
 * a guest and to ring it. To a guest it is an ivshmem peer like any other: the guest rings it by
 * writing {@code id() << 16 | vector} to its Doorbell register, and QEMU turns {@link #ring} into
 * the guest's MSI-X vector.
 *
 * <p><b>Guarantees.</b> {@link #await} blocks in {@code poll(2)} on this peer's eventfds, without
 * polling the memory or spinning, and always with a deadline; rings that arrive while no thread
 * waits are kept by the kernel and reported by the next {@link #await}. {@link #close} makes the
 * peer leave (every client is told) and wakes a thread blocked in {@link #await}, which then throws
 * {@link IllegalStateException}. One thread at a time should wait; any thread may ring.
 *
 * <pre>{@code
 * IvshmemPeer device = server.addPeer();
 * while (running) {
 *     long rung = device.await(Duration.ofMillis(100));     // 0 on timeout
 *     if ((rung & 1) != 0) {
 *         handleCommand(shm.io());                          // the guest rang vector 0
 *         device.ring(guestId, 0);                          // interrupt the guest
 *     }
 * }
 * }</pre>
 */
public final class IvshmemPeer implements AutoCloseable {

    private final IvshmemServer server;
    private final int id;
    private final PeerVectors vectors;

    IvshmemPeer(IvshmemServer server, int id, PeerVectors vectors) {
        this.server = server;
        this.id = id;
        this.vectors = vectors;
    }

    /** This peer's ID, the one a guest names in its Doorbell writes. */
    public int id() {
        return id;
    }

    /** The number of vectors this peer (and every other peer of the server) has. */
    public int vectors() {
        return vectors.count();
    }

    /** The IDs of every peer of the server, this one included. */
    public Set<Integer> peerIds() {
        return server.peerIds();
    }

    /**
     * Blocks until another peer rings this one or {@code timeout} passes.
     *
     * @return a mask with bit {@code v} set for each vector rung since the last call; 0 on timeout
     * @throws IllegalStateException if this peer is or becomes closed, or its server closes
     */
    public long await(Duration timeout) throws IOException {
        return vectors.await(timeout);
    }

    /**
     * How many times vector {@code vector} of this peer has been rung, as counted by {@link #await}
     * (the kernel adds rings up, so two rings before one {@code await} count two).
     */
    public long rings(int vector) {
        return vectors.rings(vector);
    }

    /**
     * Rings {@code vector} of peer {@code peer}: for a QEMU guest with MSI-X enabled, that vector's
     * interrupt.
     *
     * @return false if {@code peer} is not connected now
     * @throws IllegalArgumentException if the vector does not exist
     */
    public boolean ring(int peer, int vector) throws IOException {
        return server.ring(peer, vector);
    }

    /** Whether this peer has not been closed and its server still runs. */
    public boolean isOpen() {
        return !vectors.isClosed();
    }

    /** Leaves the server (every client is told) and closes this peer's eventfds; idempotent. */
    @Override
    public void close() {
        server.removePeer(id);
        vectors.close();
    }

    @Override
    public String toString() {
        return "IvshmemPeer[" + id + ", " + vectors() + " vectors" + (isOpen() ? "" : ", closed") + "]";
    }
}
