package dev.sysmem.explore;

/** A schedule passed the step bound without ending: threads kept running without finishing. */
public final class LivelockError extends AssertionError {
    LivelockError(String message) {
        super(message);
    }
}
