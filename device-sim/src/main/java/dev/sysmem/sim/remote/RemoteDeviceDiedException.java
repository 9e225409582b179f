package dev.sysmem.sim.remote;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The remote device is gone: its host wrote STOPPED or FAILED (then {@link #failure()} says why),
 * its host process no longer exists, or its heartbeat stopped moving. Nothing serves the region
 * any more; requests in flight will not be answered.
 */
public final class RemoteDeviceDiedException extends RemoteDeviceException {
    private static final long serialVersionUID = 1L;

    private final RemoteState state;
    private final String failure;

    RemoteDeviceDiedException(Path file, String message, RemoteState state, String failure) {
        super(file, message, null);
        this.state = state;
        this.failure = failure;
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
