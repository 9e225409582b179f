package dev.sysmem.sim.remote;

import java.util.Optional;

/**
 * The STATE word of a {@link RemoteLayout remote device header}: what the host process says about
 * its device. Only the host writes it; {@link #STOPPED}, {@link #FAILED} and {@link #REMOVED} are
 * final for one run of a host.
 */
public enum RemoteState {
    /** The header is written and the device is starting; it does not serve yet. */
    STARTING(1),
    /** The device serves requests. */
    READY(2),
    /** The device stopped cleanly; nothing serves the region any more. */
    STOPPED(3),
    /** The device failed; FAILURE says why, and nothing serves the region any more. */
    FAILED(4),
    /**
     * The device was surprise-removed: its region is gone. Distinct from {@link #STOPPED}: the host
     * filled the region with all-ones (what a removed PCI device reads as) before saying so, and a
     * {@link RemoteDevice} that sees it unmaps the region, so the driver's later accesses fail.
     */
    REMOVED(5);

    private final int code;

    RemoteState(int code) {
        this.code = code;
    }

    /** The value of the STATE word. */
    public int code() {
        return code;
    }

    /** Whether the device has ended (stopped, failed or removed): it will not serve again in this run. */
    public boolean isEnd() {
        return this == STOPPED || this == FAILED || this == REMOVED;
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
