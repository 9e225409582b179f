package dev.sysmem.bench.roundtrip;

/**
 * Where every shared-memory round-trip benchmark keeps its two words: the doorbell the driver
 * writes and the status the other side answers in, 128 bytes apart so that they sit on different
 * cache lines and different adjacent-line prefetch pairs (a driver and a device never share one).
 */
public final class DoorbellLayout {

    /** The doorbell word: the driver writes a new sequence number here. */
    public static final long DOORBELL = 0;

    /** The status word: the other side writes back the sequence number it saw. */
    public static final long STATUS = 128;

    /** Set to 1 by a device once it answers (a device in another process starts late). */
    public static final long READY = 256;

    /** Set to 1 by the driver to make a device in another process exit. */
    public static final long STOP = 384;

    /** Bytes the region needs: one page. */
    public static final long SIZE = 4096;

    private DoorbellLayout() {
    }
}
