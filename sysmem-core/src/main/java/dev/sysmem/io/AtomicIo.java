package dev.sysmem.io;

/**
 * An {@link Io} that also supports atomic read-modify-write at 32 and 64 bits: memory shared with
 * another agent, where a compare-and-set or a fetch-and-add is meaningful. Device registers are
 * not such memory (a register is read and written, its side effects are the device's), so
 * register backends implement {@link Io} only and never carry methods they would refuse; this
 * split follows Agrona's {@code DirectBuffer}/{@code AtomicBuffer} and the kernel's per-capability
 * traits.
 *
 * <p><b>Guarantees</b>, for every implementation:
 * <ul>
 *   <li>Each method is one indivisible, sequentially consistent operation (like the kernel's
 *       value-returning atomics and {@code VarHandle}'s {@code compareAndSet}, {@code getAndAdd},
 *       ...), whatever plain-access mode the view uses for reads and writes.</li>
 *   <li>The operation is checked as a write of its width (bounds, absolute alignment, supported
 *       width, writability) before it reaches memory, and throws the exceptions {@link Io} lists
 *       for a write; nothing is changed then.</li>
 *   <li>8- and 16-bit atomics do not exist: neither the JDK nor most buses offer them.</li>
 * </ul>
 *
 * <pre>{@code
 * AtomicIo ring = shm.io("ring");
 * int slot = ring.getAndAdd32(HEAD, 1);            // claim a slot, whoever else is claiming
 * if (ring.compareAndSet32(FLAGS, 0, BUSY)) { ... }
 * }</pre>
 */
public interface AtomicIo extends Io {

    /** Atomically sets 32 bits to {@code value} if they equal {@code expected}; true if it did. */
    boolean compareAndSet32(long offset, int expected, int value);

    /** Atomically sets 64 bits to {@code value} if they equal {@code expected}; true if it did. */
    boolean compareAndSet64(long offset, long expected, long value);

    /** Atomically sets 32 bits to {@code value} if they equal {@code expected}; returns the bits found. */
    int compareAndExchange32(long offset, int expected, int value);

    /** Atomically sets 64 bits to {@code value} if they equal {@code expected}; returns the bits found. */
    long compareAndExchange64(long offset, long expected, long value);

    /** Atomically adds {@code delta} (wrapping) to 32 bits; returns the previous value. */
    int getAndAdd32(long offset, int delta);

    /** Atomically adds {@code delta} (wrapping) to 64 bits; returns the previous value. */
    long getAndAdd64(long offset, long delta);

    /** Atomically replaces 32 bits with {@code value}; returns the previous value. */
    int getAndSet32(long offset, int value);

    /** Atomically replaces 64 bits with {@code value}; returns the previous value. */
    long getAndSet64(long offset, long value);

    /** Atomically ORs {@code bits} into 32 bits; returns the previous value. */
    int getAndBitwiseOr32(long offset, int bits);

    /** Atomically ORs {@code bits} into 64 bits; returns the previous value. */
    long getAndBitwiseOr64(long offset, long bits);

    /** Atomically ANDs {@code bits} into 32 bits; returns the previous value. */
    int getAndBitwiseAnd32(long offset, int bits);

    /** Atomically ANDs {@code bits} into 64 bits; returns the previous value. */
    long getAndBitwiseAnd64(long offset, long bits);
}
