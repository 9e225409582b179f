package dev.sysmem.explore;

import java.util.Arrays;

/** A growable list of ints without boxing, for the choices of a schedule. */
final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
