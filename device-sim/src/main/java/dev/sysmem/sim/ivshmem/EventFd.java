package dev.sysmem.sim.ivshmem;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux eventfd: a 64-bit counter in the kernel that one side adds to ({@link #signal}) and the
 * other waits on and reads ({@link #await}, {@link #drain}). ivshmem peers interrupt each other
 * through them: QEMU writes to a peer's eventfd when its guest writes the Doorbell register, and a
 * peer rings a guest by writing to the eventfd QEMU listens on.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Signals are never lost: the kernel adds them up until {@link #drain} reads and resets the
 *       sum, so a signal sent before the waiter started waiting is still seen.</li>
 *   <li>Waiting blocks in {@code poll(2)}, with no spinning, and always with a deadline.</li>
 *   <li>{@link #close} is safe against calls in flight on other threads: the descriptor is released
 *       only when the last such call returns, so a late {@link #signal} can never reach an unrelated
 *       file that reused the number. Calls after {@code close} throw {@link IllegalStateException}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (EventFd doorbell = EventFd.create()) {
 *     doorbell.signal();                                  // from any thread
 *     if (doorbell.await(Duration.ofSeconds(1))) {
 *         long rings = doorbell.drain();                  // 1
 *     }
 * }
 * }</pre>
 */
public final class EventFd implements AutoCloseable {

    private static final int CLOSED = Integer.MIN_VALUE;

    private final int fd;
    /** Calls in flight in the low bits; the sign bit is set once {@link #close} was called. */
    private final AtomicInteger state = new AtomicInteger();

    private EventFd(int fd) {
        this.fd = fd;
    }

    /** A new eventfd with a zero counter (non-blocking and close-on-exec). */
    public static EventFd create() throws IOException {
        Platform.requireLinux("eventfd");
        return new EventFd(Libc.eventfd());
    }

    /** Takes ownership of an eventfd descriptor received from another process. */
    public static EventFd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        return new EventFd(fd);
    }

    /** Adds one to the counter, waking a waiter. */
    public void signal() throws IOException {
        signal(1);
    }

    /**
     * Adds {@code count} to the counter.
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     * @throws IllegalStateException    if this eventfd is closed
     */
    public void signal(long count) throws IOException {
        if (count <= 0) {
            throw new IllegalArgumentException("an eventfd signal adds a positive count, not " + count);
        }
        int descriptor = acquire();
        try {
            Libc.writeCounter(descriptor, count);
        } finally {
            release();
        }
    }

    /** Reads and resets the counter: the number of signals since the last drain, or 0. */
    public long drain() throws IOException {
        int descriptor = acquire();
        try {
            return Libc.readCounter(descriptor);
        } finally {
            release();
        }
    }

    /**
     * Waits until the counter is non-zero or {@code timeout} passes, without resetting it.
     *
     * @return whether a signal is pending
     */
    public boolean await(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        int descriptor = acquire();
        try {
            while (true) {
                short[] ready = Libc.poll(new int[] {descriptor}, millisUntil(deadline));
                if ((ready[0] & Libc.POLLIN) != 0) {
                    return true;
                }
                if ((ready[0] & (Libc.POLLERR | Libc.POLLNVAL)) != 0) {
                    throw new IOException("poll reported an error on " + this);
                }
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
            }
        } finally {
            release();
        }
    }

    /** Milliseconds until {@code deadline} (a {@link System#nanoTime} value), rounded up, at least 0. */
    static int millisUntil(long deadline) {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    /** Whether {@link #close} has not been called. */
    public boolean isOpen() {
        return state.get() >= 0;
    }

    /**
     * The descriptor, for a call that must not outlive it: pair every successful call with
     * {@link #release}.
     *
     * @throws IllegalStateException if this eventfd is closed
     */
    public int acquire() {
        while (true) {
            int s = state.get();
            if (s < 0) {
                throw new IllegalStateException(this + " is closed");
            }
            if (state.compareAndSet(s, s + 1)) {
                return fd;
            }
        }
    }

    public void release() {
        if (state.decrementAndGet() == CLOSED) {
            Libc.closeQuietly(fd);
        }
    }

    /** Releases the descriptor once no call is using it; idempotent. */
    @Override
    public void close() {
        while (true) {
            int s = state.get();
            if (s < 0) {
                return;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    Libc.closeQuietly(fd);
                }
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "eventfd " + fd + (isOpen() ? "" : " (closed)");
    }
}
