package dev.sysmem.sim.remote;

import java.util.Optional;

/**
 * The STATE word of a {@link RemoteLayout remote device header}: what the host process says about
 * its device. Only the host writes it; {@link #STOPPED} and {@link #FAILED} are final for one run
 * of a host.
 */
public enum RemoteState {
    /** The header is written and the device is starting; it does not serve yet. */
    STARTING(1),
    /** The device serves requests. */
    READY(2),
    /** The device stopped cleanly; nothing serves the region any more. */
    STOPPED(3),
    /** The device failed; FAILURE says why, and nothing serves the region any more. */
    FAILED(4);

    private final int code;

    RemoteState(int code) {
        this.code = code;
    }

    /** The value of the STATE word. */
    public int code() {
        return code;
    }

    /** Whether the device has ended (stopped or failed): it will not serve again in this run. */
    public boolean isEnd() {
        return this == STOPPED || this == FAILED;
    }

    /** The state whose STATE word is {@code code}, or empty for a value no host writes. */
    public static Optional<RemoteState> of(int code) {
        for (RemoteState state : values()) {
            if (state.code == code) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
