package dev.sysmem.explore.weak;

import dev.sysmem.io.Width;

import java.util.ArrayList;
import java.util.List;

/**
 * One memory location of the model (an aligned address accessed at one width) and its
 * modification order: the writes to it, oldest first. The newest message is what memory holds.
 *
 * <p>The history is bounded: when it grows past the bound the oldest messages are forgotten, and
 * a view that pointed at a forgotten message is treated as pointing at the oldest one kept. Reads
 * can then return fewer stale values than the Java memory model allows: a bound that is too small
 * hides behaviour, it never invents any.
 */
final class Cell {

    final long address;
    final Width width;
    final String name;
    final List<Message> order = new ArrayList<>();

    Cell(long address, Width width, String name) {
        this.address = address;
        this.width = width;
        this.name = name;
    }

    /** The position of {@code m} in the modification order; 0 if it was forgotten or is null. */
    int timestamp(Message m) {
        if (m == null) {
            return 0;
        }
        int i = order.indexOf(m);
        return Math.max(i, 0);
    }

    Message newest() {
        return order.getLast();
    }

    boolean overlaps(long otherAddress, Width otherWidth) {
        return address < otherAddress + otherWidth.bytes() && otherAddress < address + width.bytes();
    }

    @Override
    public String toString() {
        return name;
    }
}
