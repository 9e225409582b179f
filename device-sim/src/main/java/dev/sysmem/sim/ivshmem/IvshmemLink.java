package dev.sysmem.sim.ivshmem;

import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.InterruptLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Puts a simulated device behind an ivshmem peer: a guest's Doorbell write to the peer rings the
 * device's {@link Doorbell}, and each raise of the device's {@link InterruptLine} rings the other
 * peers (the guests) on a vector, which QEMU delivers as that MSI-X vector.
 *
 * <p>It is itself a {@link Device}, run by the same {@link dev.sysmem.sim.DeviceRunner} as the
 * device it serves, on its own thread ({@code device-<name>}). The path of a guest's ring has no
 * polling anywhere: QEMU writes the peer's eventfd, this thread wakes from {@code poll(2)} on it and
 * rings the {@code Doorbell}, and the device thread wakes from {@link DeviceContext#awaitRing}.
 *
 * <p><b>Guarantees.</b> Every ring of the watched vector reaches the doorbell (rings that arrive
 * together ring it once, which a doorbell-driven device treats as "look again"). The link notices
 * a stop request within {@link #STOP_LATENCY}. The interrupt handler runs on the device's thread and
 * only writes eventfds; a failure to write one fails the device, naming it. Peers that left are
 * skipped.
 *
 * <pre>{@code
 * IvshmemPeer peer = server.addPeer();
 * MailboxDevice mailbox = MailboxDevice.builder("mbox", shm.io()).doorbell().build();
 * IvshmemLink link = IvshmemLink.between(peer, 0, mailbox.doorbell().orElseThrow())
 *         .interruptingOn(mailbox.completion(), 0);
 * try (DeviceRunner runner = new DeviceRunner().start(mailbox).start(link)) {
 *     // the guest: devmem BAR0+12 32 $((peer << 16 | 0)) after each request
 * }
 * }</pre>
 */
public final class IvshmemLink implements Device {

    /** The longest the link's thread waits on its eventfd before it looks for a stop request. */
    public static final Duration STOP_LATENCY = Duration.ofMillis(50);

    private final String name;
    private final IvshmemPeer peer;
    private final int vector;
    private final Doorbell doorbell;

    private IvshmemLink(IvshmemPeer peer, int vector, Doorbell doorbell) {
        this.peer = peer;
        this.vector = vector;
        this.doorbell = doorbell;
        this.name = doorbell.name() + "-ivshmem" + peer.id();
    }

    /**
     * A link that rings {@code doorbell} whenever another peer rings vector {@code vector} of
     * {@code peer}.
     *
     * @throws IllegalArgumentException if the peer has no such vector
     */
    public static IvshmemLink between(IvshmemPeer peer, int vector, Doorbell doorbell) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(doorbell, "doorbell");
        if (vector < 0 || vector >= peer.vectors()) {
            throw new IllegalArgumentException("peer " + peer.id() + " has vectors 0 to " + (peer.vectors() - 1)
                    + ", not " + vector);
        }
        return new IvshmemLink(peer, vector, doorbell);
    }

    /**
     * Makes each raise (or pulse) of {@code line} ring vector {@code guestVector} of every other
     * peer of the server. Attaches a handler to {@code line}.
     *
     * @throws IllegalArgumentException if there is no such vector
     * @throws IllegalStateException    if {@code line} already has a handler
     */
    public IvshmemLink interruptingOn(InterruptLine line, int guestVector) {
        Objects.requireNonNull(line, "line");
        if (guestVector < 0 || guestVector >= peer.vectors()) {
            throw new IllegalArgumentException("peers have vectors 0 to " + (peer.vectors() - 1) + ", not " + guestVector);
        }
        line.attach(raised -> {
            for (int other : peer.peerIds()) {
                if (other != peer.id()) {
                    try {
                        peer.ring(other, guestVector);
                    } catch (IOException e) {
                        throw new UncheckedIOException("ringing vector " + guestVector + " of peer " + other
                                + " for interrupt line '" + raised.name() + "'", e);
                    }
                }
            }
        });
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    /** The peer whose vector this link watches. */
    public IvshmemPeer peer() {
        return peer;
    }

    @Override
    public void run(DeviceContext context) throws IOException {
        long bit = 1L << vector;
        while (!context.isStopping()) {
            if ((peer.await(STOP_LATENCY) & bit) != 0) {
                doorbell.ring();
            }
        }
    }

    @Override
    public String toString() {
        return "IvshmemLink[peer " + peer.id() + " vector " + vector + " -> " + doorbell.name() + "]";
    }
}
