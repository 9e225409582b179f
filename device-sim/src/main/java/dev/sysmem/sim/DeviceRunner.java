package dev.sysmem.sim;

import dev.sysmem.io.spi.Scheduling;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts {@link Device}s on their own platform threads, stops them, and hands their failures to
 * the code that started them.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Each device runs on one platform daemon thread named {@code device-<name>}; names are
 *       unique within a runner.</li>
 *   <li>{@link #stop()} (and {@link #close()}) never hangs. It requests a cooperative stop of every
 *       device and waits up to the stop deadline; threads still running are then interrupted and
 *       given the deadline once more. A thread that survives both is reported by a
 *       {@link DeviceStuckException} naming the device and showing where it was; otherwise, when
 *       {@code stop} returns, no thread of this runner is left.</li>
 *   <li>A device failure is never lost: the exception or error out of {@link Device#run} is kept
 *       and rethrown as a {@link DeviceFailureException} (device name, original exception as cause)
 *       by {@link #checkHealthy()} and by {@link #stop()}; {@link #failure()} shows it without
 *       throwing, for a test's {@code await().until(...)}.</li>
 *   <li>A device whose loop returns on its own (not failed) has simply finished.</li>
 * </ul>
 * The runner is safe to use from several threads. A stopped runner cannot start devices again.
 *
 * <pre>{@code
 * try (DeviceRunner runner = new DeviceRunner(Duration.ofSeconds(2)).start(edu).start(mailbox)) {
 *     driver.run();
 *     runner.checkHealthy();      // a device that threw fails the test here, naming the device
 * }                               // close(): stop, with deadline, then rethrow any device failure
 * }</pre>
 */
public final class DeviceRunner implements AutoCloseable {

    /** The stop deadline of {@link #DeviceRunner()}. */
    public static final Duration DEFAULT_STOP_DEADLINE = Duration.ofSeconds(5);

    private static final int STACK_FRAMES_SHOWN = 12;

    private final Duration stopDeadline;
    private final List<Running> devices = new ArrayList<>();
    private boolean stopped;

    /** A runner whose {@link #stop()} allows each phase {@link #DEFAULT_STOP_DEADLINE}. */
    public DeviceRunner() {
        this(DEFAULT_STOP_DEADLINE);
    }

    /**
     * A runner whose {@link #stop()} gives devices {@code stopDeadline} to stop cooperatively and
     * then, interrupted, {@code stopDeadline} again.
     */
    public DeviceRunner(Duration stopDeadline) {
        Objects.requireNonNull(stopDeadline, "stopDeadline");
        if (stopDeadline.isNegative() || stopDeadline.isZero()) {
            throw new IllegalArgumentException("stop deadline must be positive, was " + stopDeadline);
        }
        this.stopDeadline = stopDeadline;
    }

    /** How long each phase of {@link #stop()} waits. */
    public Duration stopDeadline() {
        return stopDeadline;
    }

    /**
     * Starts {@code device} on a new thread {@code device-<name>}; returns this runner, so starts
     * chain.
     *
     * @throws IllegalArgumentException if the name is blank or already used in this runner
     * @throws IllegalStateException if the runner was stopped
     */
    public synchronized DeviceRunner start(Device device) {
        Objects.requireNonNull(device, "device");
        String name = device.name();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a device needs a non-blank name: " + device);
        }
        if (stopped) {
            throw new IllegalStateException("runner was stopped; cannot start device '" + name + "'");
        }
        for (Running r : devices) {
            if (r.device.name().equals(name)) {
                throw new IllegalArgumentException("a device named '" + name + "' was already started by this runner");
            }
        }
        Running running = new Running(device);
        devices.add(running);
        running.thread.start();
        return this;
    }

    /** Names of the devices started, in start order. */
    public synchronized List<String> deviceNames() {
        return devices.stream().map(r -> r.device.name()).toList();
    }

    /** Whether the thread of the device called {@code name} is still running. */
    public synchronized boolean isRunning(String name) {
        return find(name).thread.isAlive();
    }

    /**
     * The failure of the first device that failed, as {@link #checkHealthy()} would throw it, or
     * empty if none has.
     */
    public Optional<DeviceFailureException> failure() {
        List<Running> failed;
        synchronized (this) {
            failed = devices.stream().filter(r -> r.failure != null).toList();
        }
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        DeviceFailureException first = failed.getFirst().failureException();
        for (Running r : failed.subList(1, failed.size())) {
            first.addSuppressed(r.failureException());
        }
        return Optional.of(first);
    }

    /**
     * The health of the device called {@code name}, for the waits of its driver: it reports the
     * device gone ({@link DeviceGoneException}, with when it happened) once its thread failed
     * ({@link DeviceGoneException.Reason#FAILED}, the device's exception as cause), returned by
     * itself ({@link DeviceGoneException.Reason#ENDED}) or was stopped by this runner
     * ({@link DeviceGoneException.Reason#STOPPED}). Each check is two volatile reads.
     *
     * @throws IllegalArgumentException if no device of that name was started by this runner
     */
    public synchronized DeviceHealth health(String name) {
        Running running = find(name);
        return running::checkHealth;
    }

    /**
     * Throws if a device has failed.
     *
     * @throws DeviceFailureException naming the (first) failed device, its exception as cause
     */
    public void checkHealthy() {
        Optional<DeviceFailureException> failure = failure();
        if (failure.isPresent()) {
            throw failure.get();
        }
    }

    /**
     * Stops every device, within the deadlines described on the class, and then reports: a stuck
     * thread first ({@link DeviceStuckException}, with any device failures suppressed), else a
     * device failure ({@link DeviceFailureException}). Later calls do nothing.
     *
     * @throws IllegalStateException if called from one of this runner's device threads
     */
    public void stop() {
        List<Running> all;
        synchronized (this) {
            for (Running r : devices) {
                if (r.thread == Thread.currentThread()) {
                    throw new IllegalStateException("device '" + r.device.name()
                            + "' cannot stop its own runner: it would wait for itself");
                }
            }
            if (stopped) {
                return;
            }
            stopped = true;
            all = List.copyOf(devices);
        }
        boolean interrupted = false;
        for (Running r : all) {
            r.context.requestStop();
        }
        interrupted |= awaitEnd(all);
        List<Running> ignoringStop = all.stream().filter(r -> r.thread.isAlive()).toList();
        for (Running r : ignoringStop) {
            r.thread.interrupt();
        }
        interrupted |= awaitEnd(ignoringStop);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<Running> stuck = ignoringStop.stream().filter(r -> r.thread.isAlive()).toList();
        Optional<DeviceFailureException> failure = failure();
        if (!stuck.isEmpty()) {
            DeviceStuckException e = stuckException(stuck);
            failure.ifPresent(e::addSuppressed);
            throw e;
        }
        if (failure.isPresent()) {
            throw failure.get();
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Waits up to the stop deadline for all of {@code threads} to end; true if interrupted meanwhile. */
    private boolean awaitEnd(List<Running> running) {
        long deadline = DeviceContext.deadline(stopDeadline);
        boolean interrupted = false;
        for (Running r : running) {
            while (r.thread.isAlive()) {
                long remaining = deadline - Scheduling.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    Scheduling.join(r.thread, Duration.ofNanos(remaining));
                } catch (InterruptedException e) {
                    // Stopping must finish even if the caller is interrupted; restore the flag after.
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }

    private DeviceStuckException stuckException(List<Running> stuck) {
        StringBuilder message = new StringBuilder();
        message.append(stuck.size() == 1 ? "device " : "devices ");
        message.append(String.join(", ", stuck.stream().map(r -> "'" + r.device.name() + "'").toList()));
        message.append(" did not stop: no reaction within ").append(stopDeadline)
                .append(" of the stop request, nor within ").append(stopDeadline).append(" of an interrupt");
        for (Running r : stuck) {
            message.append("\nthread ").append(r.thread.getName()).append(" (").append(r.thread.getState())
                    .append(") is still at:");
            StackTraceElement[] frames = r.thread.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, STACK_FRAMES_SHOWN); i++) {
                message.append("\n\tat ").append(frames[i]);
            }
            if (frames.length > STACK_FRAMES_SHOWN) {
                message.append("\n\t... ").append(frames.length - STACK_FRAMES_SHOWN).append(" more");
            }
        }
        return new DeviceStuckException(stuck.stream().map(r -> r.device.name()).toList(), message.toString());
    }

    private Running find(String name) {
        for (Running r : devices) {
            if (r.device.name().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no device named '" + name + "' was started by this runner; devices: "
                + deviceNames());
    }

    @Override
    public synchronized String toString() {
        return "DeviceRunner" + devices.stream().map(r -> r.device.name() + (r.thread.isAlive() ? "" : "(ended)")
                + (r.failure != null ? "(failed)" : "")).toList() + (stopped ? ", stopped" : "");
    }

    /** One started device: its thread, its context and, once it failed, its failure. */
    private static final class Running {
        final Device device;
        final DeviceContext context;
        final Thread thread;
        volatile Throwable failure;
        /** When the loop ended (failed, returned, or stopped); null while it runs. */
        volatile Instant endedAt;

        Running(Device device) {
            this.device = device;
            this.context = new DeviceContext(device.name());
            // Inside an exploration the device runs on a virtual thread: the explorer hands the turn
            // between its threads, and a virtual thread takes it without an operating-system switch.
            Runnable body = Scheduling.threadBody("device-" + device.name(), this::loop);
            this.thread = Scheduling.isManaged()
                    ? Thread.ofVirtual().name("device-" + device.name()).unstarted(body)
                    : Thread.ofPlatform().name("device-" + device.name()).daemon(true).unstarted(body);
            context.bind(thread);
        }

        private void loop() {
            try {
                device.run(context);
            } catch (Throwable t) {
                if (!(context.isStopping() && isInterruption(t))) {
                    failure = t;
                }
            } finally {
                // After failure, so a health check that sees endedAt also sees why.
                endedAt = Instant.now();
            }
        }

        void checkHealth() {
            Instant ended = endedAt;
            if (ended == null) {
                return;
            }
            Throwable failed = failure;
            if (failed != null) {
                throw new DeviceGoneException(device.name(), DeviceGoneException.Reason.FAILED, ended,
                        "its thread " + thread.getName() + " threw " + failed, failed);
            }
            if (context.isRemoved()) {
                throw new DeviceGoneException(device.name(), DeviceGoneException.Reason.REMOVED, ended,
                        "its memory was taken away (surprise removal); accesses to it fail", null);
            }
            if (context.isStopping()) {
                throw new DeviceGoneException(device.name(), DeviceGoneException.Reason.STOPPED, ended,
                        "its runner stopped it", null);
            }
            throw new DeviceGoneException(device.name(), DeviceGoneException.Reason.ENDED, ended,
                    "its loop returned", null);
        }

        private static boolean isInterruption(Throwable t) {
            return t instanceof InterruptedException || t instanceof InterruptedIOException
                    || t instanceof ClosedByInterruptException;
        }

        DeviceFailureException failureException() {
            return new DeviceFailureException(device.name(), thread.getName(), failure);
        }
    }
}
