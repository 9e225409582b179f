package dev.sysmem.explore.weak;

/**
 * One write in a location's modification order: its value, the view it carries (what its writer
 * had observed, for release writes; only itself otherwise) and who wrote it.
 *
 * <p>Identity matters: views point at messages, and a message's timestamp is its position in
 * its {@link Cell}'s modification order.
 */
final class Message {

    final Cell cell;
    final long value;
    /** The writer's thread index, or -1 for the initial contents. */
    final int writer;
    /** Written by an atomic update that read the message just before it: nothing may go between. */
    final boolean update;
    /** Joined into a reader's view by an acquire read; null for the initial contents. */
    View view;

    Message(Cell cell, long value, int writer, boolean update) {
        this.cell = cell;
        this.value = value;
        this.writer = writer;
        this.update = update;
    }

    @Override
    public String toString() {
        return (writer < 0 ? "init" : "T" + writer) + ":" + cell + "=" + value;
    }
}
