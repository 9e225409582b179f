package dev.sysmem.io;

/**
 * The memory behind a region went away while it was still mapped: a peer truncated the shared
 * file, or a device's memory was removed. The JVM turns the hardware fault (SIGBUS) of such an
 * access into an {@link InternalError}; {@link SysMem} wraps it here with the region, offset and
 * width, so the driver sees what it touched instead of a bare VM error.
 *
 * <p><b>Guarantees.</b> The JVM keeps running after this exception, whether the access ran
 * interpreted or JIT-compiled; the access that raised it did not complete, and its result, if
 * any, is never seen. Later accesses to the same pages fault again until the file regains its
 * size. The message names the region, its size, the offset and the width.
 *
 * <p>One limit is the JDK's: HotSpot (JDK 25) does not guard its compare-and-set, nor its 8- and
 * 16-bit opaque, release and volatile stores, when they run as native code, so {@link SysMem}
 * touches the page with a guarded load just before them. A truncation that lands in the
 * nanoseconds between that load and such an access can still crash the JVM.
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
