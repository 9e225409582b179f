package dev.sysmem.sim.remote;

import dev.sysmem.sim.DeviceGoneException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The remote device is gone: its host wrote STOPPED, REMOVED or FAILED (then {@link #failure()}
 * says why), its host process no longer exists, or its heartbeat stopped moving. Nothing serves the region
 * any more; requests in flight will not be answered.
 */
public final class RemoteDeviceDiedException extends RemoteDeviceException {
    private static final long serialVersionUID = 1L;

    private final RemoteState state;
    private final String failure;
    private final DeviceGoneException.Reason reason;
    private final Instant when;

    RemoteDeviceDiedException(Path file, String message, RemoteState state, String failure,
                              DeviceGoneException.Reason reason, Instant when) {
        super(file, message, null);
        this.state = state;
        this.failure = failure;
        this.reason = reason;
        this.when = when;
    }

    /** What ended the device. */
    public DeviceGoneException.Reason reason() {
        return reason;
    }

    /** When it happened: ENDED_AT if the host wrote it, else when the driver first noticed. */
    public Instant when() {
        return when;
    }

    /** The STATE the header held when the death was noticed. */
    public RemoteState state() {
        return state;
    }

    /** The host's account of the failure (FAILURE), if it wrote one. */
    public Optional<String> failure() {
        return failure == null || failure.isEmpty() ? Optional.empty() : Optional.of(failure);
    }
}
