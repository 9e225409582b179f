package dev.sysmem.sim.chaos;

import dev.sysmem.io.Width;

/**
 * One write a {@link ChaosDevice} makes, as its {@link ChaosPlan} chose it.
 *
 * @param index      0 for the first write, then 1, 2, ...
 * @param pauseNanos how long the device waits before making it (delay plus jitter)
 * @param width      the access width
 * @param offset     the offset in the device's region, aligned to the width
 * @param value      the value, stuck bits already applied
 */
public record ChaosWrite(long index, long pauseNanos, Width width, long offset, long value) {

    /** For example {@code #3 u32 @0x40 = 0xdeadbeef after 1500000ns}. */
    @Override
    public String toString() {
        return "#" + index + " " + width + " @0x" + Long.toHexString(offset) + " = 0x" + Long.toHexString(value)
                + " after " + pauseNanos + "ns";
    }
}
