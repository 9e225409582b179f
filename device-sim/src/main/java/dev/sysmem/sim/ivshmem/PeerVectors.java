package dev.sysmem.sim.ivshmem;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The eventfds one ivshmem peer is interrupted through, one per vector, and the wait on them that
 * a device thread blocks in. Shared by peers hosted in the server ({@link IvshmemPeer}) and peers
 * that connect to one ({@link IvshmemClient}).
 *
 * <p>Waiting polls every vector's eventfd and a private wake-up eventfd that {@link #close}
 * signals, so a thread blocked in {@link #await} returns as soon as its peer goes away.
 */
final class PeerVectors implements AutoCloseable {

    private final String owner;
    private final EventFd[] vectors;
    private final EventFd wake;
    private final AtomicLongArray rings;
    private volatile boolean closed;

    PeerVectors(String owner, EventFd[] vectors) throws IOException {
        this.owner = owner;
        this.vectors = vectors.clone();
        this.wake = EventFd.create();
        this.rings = new AtomicLongArray(vectors.length);
    }

    /** {@code count} fresh eventfds, closed again if one cannot be made. */
    static EventFd[] create(int count) throws IOException {
        EventFd[] fds = new EventFd[count];
        try {
            for (int i = 0; i < count; i++) {
                fds[i] = EventFd.create();
            }
            return fds;
        } catch (IOException | RuntimeException e) {
            for (EventFd fd : fds) {
                if (fd != null) {
                    fd.close();
                }
            }
            throw e;
        }
    }

    int count() {
        return vectors.length;
    }

    EventFd vector(int vector) {
        return vectors[vector];
    }

    long rings(int vector) {
        checkVector(vector);
        return rings.get(vector);
    }

    void checkVector(int vector) {
        if (vector < 0 || vector >= vectors.length) {
            throw new IllegalArgumentException(owner + ": vector " + vector + " does not exist; vectors are 0 to "
                    + (vectors.length - 1));
        }
    }

    /**
     * Blocks until at least one vector was rung or {@code timeout} passes, then drains every rung
     * vector. Returns a mask with bit {@code v} set for each vector rung, 0 on timeout.
     *
     * @throws IllegalStateException if the peer is or becomes closed
     */
    long await(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        int[] fds = new int[vectors.length + 1];
        int acquired = 0;
        try {
            try {
                for (; acquired < vectors.length; acquired++) {
                    fds[acquired] = vectors[acquired].acquire();
                }
                fds[acquired] = wake.acquire();
                acquired++;
            } catch (IllegalStateException e) {
                throw new IllegalStateException(owner + " is closed", e);
            }
            while (true) {
                if (closed) {
                    throw new IllegalStateException(owner + " is closed");
                }
                short[] ready = Libc.poll(fds, EventFd.millisUntil(deadline));
                long mask = 0;
                for (int v = 0; v < vectors.length; v++) {
                    if ((ready[v] & Libc.POLLIN) != 0) {
                        long count = Libc.readCounter(fds[v]);
                        if (count > 0) {
                            rings.addAndGet(v, count);
                            mask |= 1L << v;
                        }
                    }
                }
                if (mask != 0) {
                    return mask;
                }
                if (closed) {
                    throw new IllegalStateException(owner + " is closed");
                }
                if (System.nanoTime() - deadline >= 0) {
                    return 0;
                }
            }
        } finally {
            for (int i = 0; i < acquired; i++) {
                (i < vectors.length ? vectors[i] : wake).release();
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes every vector; a thread blocked in {@link #await} wakes and throws. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            wake.signal();
        } catch (IOException | IllegalStateException e) {
            // The waiter also notices `closed` at its deadline; nothing more can be done here.
        }
        for (EventFd fd : vectors) {
            fd.close();
        }
        wake.close();
    }
}
