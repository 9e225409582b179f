package dev.sysmem.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * The other side of a two-thread benchmark (the echo of a ping-pong, the consumer of a queue) on
 * its own platform thread, stopped and checked when the benchmark's trial ends.
 *
 * <p><b>Guarantees.</b> {@link #close} asks the loop to stop, waits at most {@link #STOP_TIMEOUT}
 * for it, and throws if it did not stop or if it failed: a benchmark never reports a figure
 * measured against a dead peer, and never leaves a spinning thread behind.
 *
 * <pre>{@code
 * BackgroundLoop echo = BackgroundLoop.start("echo", loop -> {
 *     while (!loop.stopping()) { ... }
 * });
 * ...
 * echo.close();
 * }</pre>
 */
public final class BackgroundLoop implements AutoCloseable {

    /** How long {@link #close} waits for the loop to return. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** The loop's body: runs until {@link BackgroundLoop#stopping()} turns true. */
    @FunctionalInterface
    public interface Body {
        /** Runs the loop; an exception is the loop's failure, rethrown by {@link BackgroundLoop#close}. */
        void run(BackgroundLoop loop) throws Exception;
    }

    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private BackgroundLoop(String name, Body body) {
        Objects.requireNonNull(body, "body");
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
            try {
                body.run(this);
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** Starts {@code body} on a new daemon platform thread called {@code name}. */
    public static BackgroundLoop start(String name, Body body) {
        BackgroundLoop loop = new BackgroundLoop(name, body);
        loop.thread.start();
        return loop;
    }

    /** Whether the loop has been asked to stop. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Stops the loop and waits for it.
     *
     * @throws IllegalStateException if it failed, or did not stop within {@link #STOP_TIMEOUT}
     */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (!thread.join(STOP_TIMEOUT)) {
            throw new IllegalStateException(thread.getName() + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        }
        if (failure != null) {
            throw new IllegalStateException(thread.getName() + " failed", failure);
        }
    }

    @Override
    public String toString() {
        return "BackgroundLoop[" + thread.getName() + (stopping ? ", stopping" : "") + "]";
    }
}
