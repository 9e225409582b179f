package dev.sysmem.explore;

/**
 * Thrown inside a managed thread at its next scheduling point once its schedule has ended (a
 * failure elsewhere, a deadlock, the end of the test): it unwinds the thread so the next schedule
 * starts with no thread of this one left. An {@link Error}, so that code catching
 * {@code Exception} does not swallow it.
 */
final class IterationAborted extends Error {
    IterationAborted(String why) {
        super(why, null, false, false);
    }
}
