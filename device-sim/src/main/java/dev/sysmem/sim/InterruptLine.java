package dev.sysmem.sim;

import dev.sysmem.io.spi.Scheduling;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An interrupt line from a device to its driver: the device raises and lowers it, the driver
 * attaches a handler (as {@code request_irq} does) or waits for raises with a deadline.
 *
 * <p>Two things are tracked: the <em>level</em> ({@link #isRaised()}, set by {@link #raise()},
 * cleared by {@link #lower()}, as a level-triggered INTx pin), and the <em>raise count</em>
 * ({@link #raiseCount()}), incremented by every {@link #raise()} and {@link #pulse()} (an
 * edge-triggered message such as MSI, which changes no level). Handlers are called once per
 * counted raise.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>No raise is lost: raises that happen while no handler is attached are delivered, one
 *       handler call each, when a handler is attached; {@link #awaitRaised} sees every raise.</li>
 *   <li>No raise is delivered twice, and handler calls never overlap: one thread at a time
 *       delivers. A raise made while a handler runs (also from inside the handler, for example by a
 *       register write that raises again) is delivered by the thread already delivering, right
 *       after the current call returns; it never recurses into the handler.</li>
 *   <li>Handlers run on the thread that raised (usually the device thread, possibly holding the
 *       device's register lock) or on the thread that attached. Keep them short and never make
 *       them wait for the device thread. An exception from a handler propagates to that thread;
 *       on the device thread it becomes the device's failure, naming the device.</li>
 * </ul>
 *
 * <pre>{@code
 * InterruptLine irq = edu.interrupt();
 * irq.attach(line -> {                          // like request_irq
 *     int status = mmio.read32(0x24);
 *     mmio.write32(0x64, status);              // ack: the device lowers the line
 * });
 * // or, without a handler:
 * long before = irq.raiseCount();
 * mmio.write32(0x60, 1);
 * assert irq.awaitRaised(before + 1, Duration.ofSeconds(1));
 * }</pre>
 */
public final class InterruptLine {

    /** Handles one raise of a line. */
    @FunctionalInterface
    public interface Handler {
        /** Called once per counted raise, on the thread that delivers it. */
        void handle(InterruptLine line);
    }

    private final String name;
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final ReentrantLock monitor = new ReentrantLock();
    private final Condition raisedCondition = monitor.newCondition();
    private volatile boolean level;
    private volatile Handler handler;

    /** A lowered line named {@code name}, no raises yet, no handler. */
    public InterruptLine(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The line's name. */
    public String name() {
        return name;
    }

    /** Asserts the line (level high) and counts a raise; delivers it to the handler, if attached. */
    public void raise() {
        Scheduling.event("irq raise", name);
        level = true;
        count();
    }

    /** Deasserts the line (level low). Counts nothing, delivers nothing. */
    public void lower() {
        level = false;
    }

    /** Counts and delivers a raise without changing the level: an edge, a message-signalled interrupt. */
    public void pulse() {
        Scheduling.event("irq pulse", name);
        count();
    }

    /** Whether the line is asserted. */
    public boolean isRaised() {
        return level;
    }

    /** How many raises ({@link #raise()} and {@link #pulse()}) have happened. */
    public long raiseCount() {
        return raised.get();
    }

    /** How many raises have been delivered to a handler. */
    public long deliveredCount() {
        return delivered.get();
    }

    /**
     * Attaches {@code newHandler} and delivers to it, on this thread, every raise no handler has
     * seen yet.
     *
     * @throws IllegalStateException if a handler is already attached
     */
    public void attach(Handler newHandler) {
        Objects.requireNonNull(newHandler, "handler");
        monitor.lock();
        try {
            if (handler != null) {
                throw new IllegalStateException("interrupt line '" + name + "' already has a handler; detach it first");
            }
            handler = newHandler;
        } finally {
            monitor.unlock();
        }
        deliver();
    }

    /** Detaches the handler, if any; raises from now on wait for the next {@link #attach}. */
    public void detach() {
        handler = null;
    }

    /**
     * Waits until at least {@code count} raises have happened in total, or {@code timeout} passed.
     *
     * @return true if {@link #raiseCount()} reached {@code count}, false on timeout
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean awaitRaised(long count, Duration timeout) throws InterruptedException {
        if (Scheduling.isManaged()) {
            return Scheduling.await(() -> raised.get() >= count, timeout.toNanos(),
                    "interrupt line '" + name + "'");
        }
        long deadline = DeviceContext.deadline(timeout);
        monitor.lock();
        try {
            while (raised.get() < count) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                raisedCondition.await(remaining, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            monitor.unlock();
        }
    }

    private void count() {
        raised.incrementAndGet();
        monitor.lock();
        try {
            raisedCondition.signalAll();
        } finally {
            monitor.unlock();
        }
        deliver();
    }

    private void deliver() {
        while (handler != null && delivered.get() < raised.get()) {
            if (!delivering.compareAndSet(false, true)) {
                // The delivering thread rechecks after it lets go, so this raise is not stranded.
                return;
            }
            try {
                Handler h;
                while ((h = handler) != null && delivered.get() < raised.get()) {
                    delivered.incrementAndGet();
                    Scheduling.event("irq handler", name);
                    h.handle(this);
                }
            } finally {
                delivering.set(false);
            }
        }
    }

    @Override
    public String toString() {
        return "InterruptLine[" + name + ", " + (level ? "raised" : "lowered") + ", " + raiseCount() + " raises]";
    }
}
