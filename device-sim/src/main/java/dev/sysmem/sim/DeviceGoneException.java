package dev.sysmem.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The device a driver was waiting for can no longer answer: its thread failed or ended, it was
 * stopped or removed, or its process died. Thrown by a {@link DeviceHealth} and therefore by every
 * driver wait that watches one, as soon as the wait notices, instead of a timeout.
 *
 * <p>The message names the device, says what happened and when (wall-clock time, and how long
 * before the exception that was); the device's own exception, if it failed, is the cause.
 */
public class DeviceGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What ended the device, as far as its watcher can tell. */
    public enum Reason {
        /** The device's loop threw; the exception is the cause of this one. */
        FAILED,
        /** The device's loop returned by itself. */
        ENDED,
        /** The device was stopped (by its runner, or its host wrote STOPPED). */
        STOPPED,
        /** The device was surprise-removed: its memory is gone, and accesses to it fail. */
        REMOVED,
        /** The process that ran the device no longer exists (for example after {@code kill -9}). */
        PROCESS_GONE,
        /** The device's heartbeat stopped moving: its host is frozen or unreachable. */
        HEARTBEAT_STALE
    }

    private final String deviceName;
    private final Reason what;
    private final Instant when;

    /**
     * @param deviceName the device's name
     * @param what       what happened
     * @param when       when it happened (or was first noticed, if the device could not say)
     * @param detail     the rest of the story, in words (may be empty)
     * @param cause      the device's own exception, if any
     */
    public DeviceGoneException(String deviceName, Reason what, Instant when, String detail, Throwable cause) {
        super(message(deviceName, what, when, detail), cause);
        this.deviceName = Objects.requireNonNull(deviceName, "deviceName");
        this.what = Objects.requireNonNull(what, "what");
        this.when = Objects.requireNonNull(when, "when");
    }

    private static String message(String deviceName, Reason what, Instant when, String detail) {
        long ago = Duration.between(when, Instant.now()).toMillis();
        return "device '" + deviceName + "' " + switch (what) {
            case FAILED -> "failed";
            case ENDED -> "ended by itself";
            case STOPPED -> "was stopped";
            case REMOVED -> "was removed";
            case PROCESS_GONE -> "lost its process";
            case HEARTBEAT_STALE -> "stopped beating";
        } + " at " + when + " (" + Math.max(0, ago) + " ms ago)" + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }

    /** The name of the device that is gone. */
    public String deviceName() {
        return deviceName;
    }

    /** What ended it. */
    public Reason what() {
        return what;
    }

    /** When it happened, or when it was first noticed if the device could not say. */
    public Instant when() {
        return when;
    }
}
