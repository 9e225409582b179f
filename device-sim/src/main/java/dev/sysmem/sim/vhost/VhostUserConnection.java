package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The event loop of one vhost-user connection: it waits in {@code poll(2)} on the socket and on
 * the kick eventfd of every running queue, hands each message to the {@link VhostUserBlkBackend}
 * and sends its reply, and serves a queue when it is kicked. Everything happens on the one thread
 * that calls {@link #run}, so the memory table can be replaced between two requests without any
 * queue touching the old mapping.
 *
 * <p><b>Guarantees.</b> {@link #run} returns — never throws — with the reason the connection ended:
 * the front-end closed it, a {@link ProtocolViolation} (logged), a failed socket call, or a stop
 * request (checked at least every {@link #IDLE_POLL}). The socket is left to the caller to close.
 */
final class VhostUserConnection {

    private static final System.Logger LOG = System.getLogger(VhostUserConnection.class.getName());
    /** Longest wait in poll before the stop flag is looked at again. */
    static final Duration IDLE_POLL = Duration.ofMillis(100);

    private final VhostUserChannel channel;
    private final VhostUserBlkBackend backend;

    VhostUserConnection(int fd, VhostUserBlkBackend backend, Duration messageDeadline) {
        this.channel = new VhostUserChannel(fd, messageDeadline);
        this.backend = backend;
    }

    /**
     * Serves the connection until it ends; {@code served} hears the running count of chains served
     * after each batch.
     *
     * @return why the connection ended, for the log and for tests
     */
    String run(BooleanSupplier stopRequested, LongConsumer served) {
        int[] fds = new int[1 + VhostUserBlkBackend.QUEUES];
        int[] queueOf = new int[fds.length];
        try {
            while (!stopRequested.getAsBoolean()) {
                int n = 0;
                fds[n++] = channel.fd();
                for (int q = 0; q < VhostUserBlkBackend.QUEUES; q++) {
                    int kick = backend.kickFd(q);
                    if (kick >= 0) {
                        queueOf[n] = q;
                        fds[n++] = kick;
                    }
                }
                int[] waitOn = java.util.Arrays.copyOf(fds, n);
                short[] ready = Libc.poll(waitOn, (int) IDLE_POLL.toMillis());
                for (int i = 1; i < n; i++) {
                    if ((ready[i] & Libc.POLLIN) != 0) {
                        Libc.readCounter(waitOn[i]);
                        backend.serve(queueOf[i]);
                        served.accept(backend.chainsServed());
                    }
                }
                if ((ready[0] & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0) {
                    VhostUserMessage message = channel.read();
                    if (message == null) {
                        return "the front-end closed the connection";
                    }
                    LOG.log(System.Logger.Level.TRACE, () -> "vhost-user-blk: " + message);
                    VhostUserMessage reply = backend.handle(message);
                    if (reply != null) {
                        channel.write(reply);
                    }
                    served.accept(backend.chainsServed());
                }
            }
            return "the back-end was asked to stop";
        } catch (ProtocolViolation e) {
            String reason = "protocol violation: " + e.getMessage();
            LOG.log(System.Logger.Level.ERROR, "vhost-user-blk: closing the connection: " + reason);
            return reason;
        } catch (IOException | RuntimeException e) {
            String reason = "connection failed: " + e;
            LOG.log(System.Logger.Level.ERROR, "vhost-user-blk: closing the connection: " + reason);
            return reason;
        }
    }
}
