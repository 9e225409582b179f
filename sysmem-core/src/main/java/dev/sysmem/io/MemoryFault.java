package dev.sysmem.io;

/**
 * The memory behind a region went away while it was still mapped: a peer truncated the shared
 * file, or a device's memory was removed. The JVM turns the hardware fault (SIGBUS) of such an
 * access into an {@link InternalError}; {@link SysMem} wraps it here with the region, offset and
 * width, so the driver sees what it touched instead of a bare VM error.
 *
 * <p>Only memory sysmem maps from a file it did not seal can fault this way: a file given to
 * {@link SharedMemory#open} or {@link SharedMemory#create}, or a mapped segment given to
 * {@link SysMem#of}. A {@link SharedMemory#sealed} memfd cannot shrink ({@code ftruncate} fails
 * with {@code EPERM}), so its views never fault and take the inlined access path.
 *
 * <p><b>Guarantees.</b> The access that raised this exception did not complete, and its result,
 * if any, is never seen. Later accesses to the same pages fault again until the file regains its
 * size. The message names the region, its size, the offset and the width.
 *
 * <p><b>What the JDK still leaves open</b> (HotSpot, JDK 25.0.3, x86-64), measured with a second
 * process truncating the file and extending it again in a loop while a child JVM's thread runs
 * one operation for 300 ms, 3 to 4 runs per cell ({@code TruncationRace} in the core tests):
 * <ul>
 *   <li>Reads of every width and mode, 32/64-bit writes of every mode, and 8/16-bit writes: this
 *       exception, and the JVM keeps running, in the interpreter, C1 and C2 (0 crashes in every
 *       cell). The 8/16-bit stores in the opaque, release and volatile modes are made as a plain
 *       store with the fences the mode needs, because the JDK's own ordered 8/16-bit stores
 *       ({@code xchg}) fault in a way HotSpot's signal handler cannot decode: before this, 8-bit
 *       opaque writes aborted the JVM in 3/3 interpreted, 3/3 C1 and 2/3 C2 runs.</li>
 *   <li>Compare-and-set at 32 and 64 bits aborts the JVM (hs_err, exit 134) when the page goes
 *       away during the operation: 32-bit in 3/3 interpreted and 3/3 C2 runs, 64-bit in 2/3, 1/3
 *       and 1/3 runs (interpreter, C1, C2). {@code getAndBitwiseOr32} aborted 1/3 interpreted
 *       runs; {@code getAndAdd64} none. HotSpot does not guard these primitives; a guarded load
 *       of the page just before each one makes a page that is already gone fault cleanly, but a
 *       truncation landing during the operation is not recoverable. Use a sealed memfd for
 *       memory a peer shares and atomics run on.</li>
 * </ul>
 * Mapping a file that is only opened is therefore safe against a peer's truncation for reads
 * and writes, and not for atomics.
 */
public final class MemoryFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String region;
    private final long offset;
    private final Width width;

    MemoryFault(String region, long size, long offset, Width width, boolean write, Throwable cause) {
        super(AccessCheck.describe(region, size, write, width, offset)
                + " faulted: the memory behind it is gone (was the shared file truncated by a peer,"
                + " or the device removed?)", cause);
        this.region = region;
        this.offset = offset;
        this.width = width;
    }

    /** Name of the region whose access faulted. */
    public String region() {
        return region;
    }

    /** Offset of the faulting access within the region. */
    public long offset() {
        return offset;
    }

    /** Width of the faulting access. */
    public Width width() {
        return width;
    }
}
