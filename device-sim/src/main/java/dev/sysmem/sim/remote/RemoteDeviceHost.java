package dev.sysmem.sim.remote;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceGoneException;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.DeviceStuckException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a device over a shared file for drivers in other processes: writes the
 * {@link RemoteLayout} header, starts the device on the region after it with a
 * {@link DeviceRunner}, beats the heartbeat, publishes READY once the device serves, and writes
 * STOPPED or FAILED (with the reason) when it ends, or REMOVED when the device was surprise-removed.
 * The driver side is {@link RemoteDevice}.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The header is complete before MAGIC is published, so a driver never acts on a half-written
 *       header; a file reused from an earlier run has its old header withdrawn first.</li>
 *   <li>Two threads run: the device's ({@code device-<name>}) and the heartbeat's
 *       ({@code device-<name>-heartbeat}), both in one runner; {@link #close()} stops both within
 *       the stop deadline (twice, as {@link DeviceRunner#stop()}) and leaves no thread behind.</li>
 *   <li>A device failure reaches the header within one heartbeat period (STATE = failed, FAILURE =
 *       the exception and where it was thrown), completes {@link #ended()}, and is rethrown by
 *       {@link #close()} as the runner's {@link DeviceFailureException}.</li>
 *   <li>The heartbeat stops when the device ends, fails or is stopped, so a driver never takes a
 *       dead device for a live one because its host process is still up.</li>
 *   <li>A file-backed device gets a mapping of its own, as it would in a process of its own: a
 *       device that closes its memory (a surprise removal) ends, and the header, on the host's
 *       mapping, still says so: the host fills the region with all-ones (what reads of a removed
 *       PCI device return, so a driver that cannot be told, such as a C program or a guest, reads
 *       no stale data) and then writes REMOVED, never STOPPED.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SharedMemory file = SharedMemory.create(Path.of("/dev/shm/mbox"), RemoteLayout.fileSize(4096));
 *      RemoteDeviceHost host = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start()) {
 *     host.ended().get(10, TimeUnit.MINUTES);        // or until the process is told to stop
 * }                                                  // STATE = stopped, threads gone
 * }</pre>
 */
public final class RemoteDeviceHost implements AutoCloseable {

    /** The heartbeat period unless {@link Builder#heartbeatPeriod} says otherwise. */
    public static final Duration DEFAULT_HEARTBEAT_PERIOD = Duration.ofMillis(100);

    private static final int FAILURE_FRAMES_SHOWN = 8;

    private final String kind;
    private final String deviceName;
    private final SysMem region;
    private final DeviceKind.Model model;
    private final Optional<AccessTrace> trace;
    private final RemoteHeader header;
    /** The device's own mapping of the file, so that a device that closes it (removal) leaves the header alone. */
    private final SharedMemory deviceMemory;
    private final boolean ownMapping;
    private final Duration heartbeatPeriod;
    private final DeviceRunner runner;
    /** The host's own view of the region, which outlives the device's mapping. */
    private final SysMem hostRegion;
    private final CompletableFuture<RemoteState> ended = new CompletableFuture<>();
    private volatile RemoteState state = RemoteState.STARTING;
    private volatile long beats;
    private boolean closed;

    private RemoteDeviceHost(Builder b, SharedMemory deviceMemory) {
        this.kind = b.kind.name();
        this.deviceName = b.deviceName;
        this.trace = Optional.ofNullable(b.trace);
        this.heartbeatPeriod = b.heartbeatPeriod;
        this.header = new RemoteHeader(b.file.io(b.file.path().map(Object::toString).orElse("anonymous")));
        this.deviceMemory = deviceMemory;
        this.ownMapping = deviceMemory != b.file;
        DeviceKind.Setup setup = new DeviceKind.Setup(deviceName, deviceMemory, RemoteLayout.HEADER_SIZE,
                deviceMemory.size() - RemoteLayout.HEADER_SIZE, trace);
        this.region = setup.region();
        this.model = b.kind.build(setup);
        this.runner = new DeviceRunner(b.stopDeadline);
        this.hostRegion = b.file.io("host").slice(RemoteLayout.HEADER_SIZE, b.file.size() - RemoteLayout.HEADER_SIZE);
    }

    /**
     * A host for a device of {@code kind} over {@code file}, which holds the header and, after
     * it, the device's region: at least {@code RemoteLayout.fileSize(kind.minRegionSize())} bytes.
     *
     * @throws IllegalArgumentException if the file is too small for the header and the device
     */
    public static Builder builder(SharedMemory file, DeviceKind kind) {
        return new Builder(file, kind);
    }

    private RemoteDeviceHost start() {
        ProcessHandle self = ProcessHandle.current();
        long processStart = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        header.announce(kind, region.size(), heartbeatPeriod, self.pid(), processStart);
        try {
            runner.start(model.device()).start(new Heartbeat());
        } catch (RuntimeException e) {
            header.fail("the host could not start the device: " + e);
            runner.stop();
            throw e;
        }
        return this;
    }

    /** The device kind written in KIND. */
    public String kind() {
        return kind;
    }

    /** The device's name; its thread is {@code device-<name>}. */
    public String deviceName() {
        return deviceName;
    }

    /** The device, as its kind built it. */
    public Device device() {
        return model.device();
    }

    /** The host's view of the device region (after the header). */
    public SysMem region() {
        return region;
    }

    /** The trace the device records into, if one was given. */
    public Optional<AccessTrace> trace() {
        return trace;
    }

    /** The state last written to the header. */
    public RemoteState state() {
        return state;
    }

    /** How many heartbeats have been written. */
    public long heartbeat() {
        return beats;
    }

    /** What the device has done so far, in its kind's words. */
    public String activity() {
        return model.activity().get();
    }

    /** The device's failure, if it failed. */
    public Optional<DeviceFailureException> failure() {
        return runner.failure();
    }

    /**
     * Completes with {@link RemoteState#STOPPED}, {@link RemoteState#FAILED} or
     * {@link RemoteState#REMOVED} once the device has ended, by itself, by failing, by a removal,
     * or by {@link #close()}. A copy: completing it changes nothing here.
     */
    public CompletableFuture<RemoteState> ended() {
        return ended.copy();
    }

    /**
     * Stops the device and the heartbeat (within the stop deadline, as {@link DeviceRunner#stop()})
     * and writes STOPPED, or FAILED with the reason; idempotent.
     *
     * @throws DeviceFailureException if the device failed
     * @throws DeviceStuckException if a thread did not stop
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        RuntimeException problem = null;
        try {
            runner.stop();
        } catch (DeviceFailureException | DeviceStuckException e) {
            problem = e;
        } finally {
            // A stuck device thread that still touches it gets IllegalStateException, nothing worse.
            if (ownMapping) {
                deviceMemory.close();
            }
        }
        try {
            if (problem != null) {
                publishFailure(problem);
            } else if (!state.isEnd()) {
                publish(RemoteState.STOPPED);
            }
        } catch (RuntimeException e) {
            // The file may be gone under us (truncated): the device's failure still matters most.
            if (problem == null) {
                problem = e;
            } else {
                problem.addSuppressed(e);
            }
        } finally {
            ended.complete(state.isEnd() ? state : RemoteState.STOPPED);
        }
        if (problem != null) {
            throw problem;
        }
    }

    private synchronized void publish(RemoteState newState) {
        header.state(newState);
        state = newState;
        if (newState.isEnd()) {
            ended.complete(newState);
        }
    }

    private synchronized void publishFailure(Throwable failure) {
        if (state != RemoteState.FAILED) {
            header.fail(describe(failure));
            state = RemoteState.FAILED;
        }
        ended.complete(RemoteState.FAILED);
    }

    /** The failure's message and the top of the device's stack, where the driver's user can read it. */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        Throwable origin = failure.getCause() != null ? failure.getCause() : failure;
        StackTraceElement[] frames = origin.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, FAILURE_FRAMES_SHOWN); i++) {
            text.append("\n\tat ").append(frames[i]);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "RemoteDeviceHost[" + kind + " '" + deviceName + "', " + state + ", heartbeat " + beats + "]";
    }

    /** Beats, publishes READY once the device serves, and notices the device ending or failing. */
    private final class Heartbeat implements Device {

        @Override
        public String name() {
            return deviceName + "-heartbeat";
        }

        @Override
        public void run(DeviceContext context) throws InterruptedException {
            try {
                long beat = 0;
                while (!context.isStopping()) {
                    Optional<DeviceFailureException> failure = runner.failure();
                    if (failure.isPresent()) {
                        publishFailure(failure.get());
                        return;
                    }
                    if (!runner.isRunning(deviceName)) {
                        if (wasRemoved()) {
                            hostRegion.segment().fill((byte) 0xff);
                            publish(RemoteState.REMOVED);
                        } else {
                            publish(RemoteState.STOPPED);
                        }
                        return;
                    }
                    header.heartbeat(++beat);
                    beats = beat;
                    if (state == RemoteState.STARTING) {
                        // Publish READY within a millisecond or so of the device getting there, not a period later.
                        if (context.pollUntil(model.ready(), heartbeatPeriod)) {
                            publish(RemoteState.READY);
                        }
                    } else {
                        context.pause(heartbeatPeriod);
                    }
                }
            } finally {
                if (!context.isStopping() && !state.isEnd()) {
                    // The heartbeat itself failed (the file went away): the runner reports it.
                    ended.complete(RemoteState.FAILED);
                }
            }
        }
    }

    private boolean wasRemoved() {
        try {
            runner.health(deviceName).check();
            return false;
        } catch (DeviceGoneException e) {
            return e.what() == DeviceGoneException.Reason.REMOVED;
        }
    }

    /** Options of a {@link RemoteDeviceHost}. */
    public static final class Builder {
        private final SharedMemory file;
        private final DeviceKind kind;
        private String deviceName;
        private Duration heartbeatPeriod = DEFAULT_HEARTBEAT_PERIOD;
        private Duration stopDeadline = DeviceRunner.DEFAULT_STOP_DEADLINE;
        private AccessTrace trace;

        private Builder(SharedMemory file, DeviceKind kind) {
            this.file = Objects.requireNonNull(file, "file");
            this.kind = Objects.requireNonNull(kind, "kind");
            this.deviceName = RemoteLayout.checkKind(kind.name());
            long needed = RemoteLayout.fileSize(kind.minRegionSize());
            if (file.size() < needed) {
                throw new IllegalArgumentException(file + " is too small for a " + kind.name() + " device: it needs "
                        + needed + " bytes (" + RemoteLayout.HEADER_SIZE + " of header and at least "
                        + kind.minRegionSize() + " of device region)");
            }
        }

        /** Names the device (default: the kind's name); its thread is {@code device-<name>}. */
        public Builder deviceName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a device needs a non-blank name");
            }
            this.deviceName = name;
            return this;
        }

        /** How often the heartbeat moves (default {@link #DEFAULT_HEARTBEAT_PERIOD}); also how soon a failure reaches the header. */
        public Builder heartbeatPeriod(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("heartbeat period must be positive, was " + period);
            }
            this.heartbeatPeriod = period;
            return this;
        }

        /** Each phase of stopping waits at most this long (default {@link DeviceRunner#DEFAULT_STOP_DEADLINE}). */
        public Builder stopDeadline(Duration deadline) {
            this.stopDeadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /** Records the device's accesses into {@code accessTrace}. */
        public Builder trace(AccessTrace accessTrace) {
            this.trace = Objects.requireNonNull(accessTrace, "trace");
            return this;
        }

        /**
         * Maps the file once more for the device, writes the header, and starts the device and the
         * heartbeat.
         *
         * @throws IllegalArgumentException if the kind refuses the region
         * @throws IOException if the file cannot be mapped again
         */
        public RemoteDeviceHost start() throws IOException {
            SharedMemory deviceMemory = file.path().isPresent() ? SharedMemory.open(file.path().get(), file.size()) : file;
            try {
                return new RemoteDeviceHost(this, deviceMemory).start();
            } catch (RuntimeException e) {
                if (deviceMemory != file) {
                    deviceMemory.close();
                }
                throw e;
            }
        }
    }
}
