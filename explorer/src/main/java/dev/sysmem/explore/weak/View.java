package dev.sysmem.explore.weak;

import java.util.HashMap;
import java.util.Map;

/**
 * A view: for each location, the newest write (in modification order) that a thread, a message or
 * the global sequentially consistent order has observed. Views only grow: {@link #join} keeps the
 * later message per location. Locations absent from the map are at their oldest message.
 */
final class View {

    private final Map<Cell, Message> newest;

    View() {
        this.newest = new HashMap<>();
    }

    private View(Map<Cell, Message> newest) {
        this.newest = newest;
    }

    View copy() {
        return new View(new HashMap<>(newest));
    }

    Message at(Cell cell) {
        return newest.get(cell);
    }

    int timestamp(Cell cell) {
        return cell.timestamp(newest.get(cell));
    }

    /** Raises this view to at least {@code m} at its location. */
    void observe(Message m) {
        Message old = newest.get(m.cell);
        if (old == null || m.cell.timestamp(old) < m.cell.timestamp(m)) {
            newest.put(m.cell, m);
        }
    }

    /** Raises this view to at least {@code other} at every location. */
    void join(View other) {
        if (other != null) {
            for (Message m : other.newest.values()) {
                observe(m);
            }
        }
    }

    /** Forgets a location (its cell left the model). */
    void forget(Cell cell) {
        newest.remove(cell);
    }

    @Override
    public String toString() {
        return newest.values().toString();
    }
}
