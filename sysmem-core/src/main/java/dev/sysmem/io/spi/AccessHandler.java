package dev.sysmem.io.spi;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;

/**
 * The backend of an intercepted view: every access made through a {@code SysMem} created over a
 * handler (see {@code SysMem.intercepted}) reaches the handler instead of memory, once, after the
 * view has made its own checks (bounds, alignment against {@code address}, supported width,
 * writability, the value's range), with the messages of an ordinary view, so a handler never sees
 * an access the view would have refused. An intercepted view owns no memory, so nothing closes
 * under it: the handler decides what its memory's lifetime is.
 *
 * <p>This is how the race explorer takes control of every access that drivers and devices make,
 * without either of them knowing: they hold ordinary {@code SysMem} views. A handler may perform
 * the access on real memory (sequentially consistent exploration) or answer from a model of
 * memory (weak-memory exploration); either way it may block the calling thread until a scheduler
 * lets it run.
 *
 * <p><b>Values.</b> A handler sees values as little-endian memory contents, zero-extended to a
 * {@code long} for 8, 16 and 32-bit widths; a big-endian view converts before and after calling
 * it. {@code address} is the byte offset from the start of the handler's memory (the same number
 * for every view of that byte, whatever slice it came from; the memory starts at absolute address
 * 0, so alignment is checked against it); {@code offset} is the offset inside the view named
 * {@code region}, for traces a user reads. {@code mode} is the mode of the view the access was
 * made through.
 *
 * <p><b>Guarantees the view gives the handler.</b> {@code address} is aligned to
 * {@code width.bytes()} and lies inside the memory; writes come only from writable views; atomics
 * only at 32 and 64 bits. A big-endian view's {@code getAndAdd} reaches the handler as
 * compare-and-exchange attempts (addition does not commute with the byte swap), one call each.
 */
public interface AccessHandler {

    /** A read of {@code width} at {@code address} in {@code mode}; returns the value read. */
    long read(String region, long offset, long address, Width width, AccessMode mode);

    /** A write of {@code value} (its low {@code width.bits()} bits) at {@code address} in {@code mode}. */
    void write(String region, long offset, long address, Width width, AccessMode mode, long value);

    /**
     * An atomic read-modify-write (sequentially consistent, as every atomic of {@code SysMem});
     * returns the value found before the operation (for {@link AtomicOp#COMPARE_AND_SET} the
     * caller compares it with {@code expected}).
     *
     * @param expected the value compared against for the compare-and-* operations, else ignored
     * @param operand  the new value, the addend, or the bits, as {@code op} says
     */
    long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand);
}
