package dev.sysmem.bench.ring;

/**
 * What every ring-throughput contender shares, so that they differ only in the transport: how
 * many buffers may be in flight at once and the payload sizes measured. The producer (the
 * measured thread) copies each payload in, the consumer thread copies it out: every contender
 * moves each payload byte exactly twice.
 */
public final class RingShape {

    /** Buffers in flight at most: the virtqueue size, the JCTools capacity, Agrona's records' worth. */
    public static final int SLOTS = 256;

    private RingShape() {
    }
}
