package dev.sysmem.sim;

import dev.sysmem.io.AtomicIo;
import dev.sysmem.io.Io;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded ring of the most recent device-memory accesses (thread, region, offset, width, value,
 * mode, time), to dump when a test fails: which thread touched what, in which order.
 *
 * <p>{@link Mmio} records into a trace given to its builder; {@link #wrap(Io)} makes any
 * {@link Io} (a {@link SysMem} over shared RAM, say) record every access made through it.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Bounded: at most {@link #capacity()} entries are kept; older ones are overwritten, and
 *       {@link #recorded()} tells how many were recorded in all. Memory use is fixed.</li>
 *   <li>Lock-free and safe from any number of threads. Each entry gets a unique sequence number in
 *       the order the recording threads claimed their slots; {@link #entries()} returns the kept
 *       entries in that order. An access is recorded after it completed, so the order is the order
 *       of completion as the recorders saw it, not a global order of the memory accesses.</li>
 *   <li>Only completed accesses are recorded; one that threw is not.</li>
 * </ul>
 *
 * <pre>{@code
 * AccessTrace trace = new AccessTrace(1024);
 * Io ring = trace.wrap(shm.io("ring"));
 * ...
 * System.err.println(trace.dump());    // in a test's failure path
 * }</pre>
 */
public final class AccessTrace {

    /**
     * One recorded access.
     *
     * @param sequence order of recording, from 0
     * @param nanos    time since the trace was made, from {@link System#nanoTime()}
     * @param thread   name of the thread that made the access
     * @param region   name of the region accessed
     * @param mode     how the access was made: a {@link dev.sysmem.io.AccessMode} name for shared
     *                 memory, {@code MMIO} for a trapped register access, {@code ATOMIC} for a
     *                 read-modify-write
     * @param write    whether it was a write
     * @param width    the access width
     * @param offset   the offset within the region
     * @param value    the value read or written (for an atomic: the value it stored)
     */
    public record Entry(long sequence, long nanos, String thread, String region, String mode, boolean write,
                        Width width, long offset, long value) {

        /** For example {@code #12 +1.204567ms device-edu edu-mmio MMIO W u32 0x8 = 0x00000005}. */
        @Override
        public String toString() {
            String hex = Long.toHexString(value);
            String padded = "0".repeat(Math.max(0, width.bytes() * 2 - hex.length())) + hex;
            return String.format("#%d +%d.%06dms %s %s %s %s %s 0x%x = 0x%s", sequence, nanos / 1_000_000,
                    nanos % 1_000_000, thread, region, mode, write ? "W" : "R", width, offset, padded);
        }
    }

    private final int capacity;
    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();
    private final long origin = System.nanoTime();

    /**
     * A trace keeping the last {@code capacity} accesses.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public AccessTrace(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("trace capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    /** The most entries kept. */
    public int capacity() {
        return capacity;
    }

    /** How many accesses were recorded since the trace was made (kept or overwritten). */
    public long recorded() {
        return next.get();
    }

    /** Records one access made by the current thread. */
    public void record(String region, String mode, boolean write, Width width, long offset, long value) {
        long sequence = next.getAndIncrement();
        ring.set((int) (sequence % capacity), new Entry(sequence, System.nanoTime() - origin,
                Thread.currentThread().getName(), region, mode, write, width, offset, value));
    }

    /** The kept entries, oldest first; entries still being written by a racing thread are left out. */
    public List<Entry> entries() {
        long end = next.get();
        long start = Math.max(0, end - capacity);
        List<Entry> out = new ArrayList<>((int) (end - start));
        for (long s = start; s < end; s++) {
            Entry e = ring.get((int) (s % capacity));
            if (e != null && e.sequence() == s) {
                out.add(e);
            }
        }
        return out;
    }

    /** The kept entries as text, one per line, after a header saying how many were dropped. */
    public String dump() {
        List<Entry> entries = entries();
        StringBuilder out = new StringBuilder();
        long dropped = recorded() - entries.size();
        out.append("access trace: ").append(entries.size()).append(" entries");
        if (dropped > 0) {
            out.append(" (").append(dropped).append(" older or in-flight entries not shown)");
        }
        for (Entry e : entries) {
            out.append('\n').append(e);
        }
        return out.toString();
    }

    /**
     * An {@link Io} that makes every access through {@code io} and records it here. The mode
     * recorded is the view's {@link SysMem#mode()} for a {@link SysMem}, {@code MMIO} for an
     * {@link Mmio}, {@code IO} otherwise.
     */
    public Io wrap(Io io) {
        Objects.requireNonNull(io, "io");
        String mode = switch (io) {
            case SysMem s -> s.mode().name();
            case Mmio _ -> "MMIO";
            default -> "IO";
        };
        return new TracedIo(io, this, mode);
    }

    /** {@link #wrap(Io)} for memory with atomics: they are recorded too, with mode {@code ATOMIC}. */
    public AtomicIo wrap(AtomicIo io) {
        Objects.requireNonNull(io, "io");
        String mode = io instanceof SysMem s ? s.mode().name() : "IO";
        return new TracedAtomicIo(io, this, mode);
    }

    @Override
    public String toString() {
        return "AccessTrace[" + recorded() + " recorded, capacity " + capacity + "]";
    }
}
