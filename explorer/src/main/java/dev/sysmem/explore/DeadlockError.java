package dev.sysmem.explore;

/** No managed thread could run and none was waiting for time: the schedule deadlocked. */
public final class DeadlockError extends AssertionError {
    DeadlockError(String message) {
        super(message);
    }
}
