package dev.sysmem.sim.virtio;

/**
 * A set of VIRTIO feature bits, and the negotiation that turns what a device offers and what a
 * driver understands into the features both then use.
 *
 * <p>Only the bits that change how a split virtqueue works are named here (VIRTIO 1.x, "Reserved
 * Feature Bits"): {@link #INDIRECT_DESC} (28), {@link #EVENT_IDX} (29), {@link #VERSION_1}
 * (32) and {@link #IN_ORDER} (35). The queue in this package never offers {@code INDIRECT_DESC}: a descriptor with the
 * {@code INDIRECT} flag is a device error, as the spec forbids it unless the feature was
 * negotiated.
 *
 * <p><b>Guarantees.</b> A value; {@link #negotiate} returns exactly the bits both sides set, so a
 * driver can never end up with a feature the device did not offer.
 *
 * <pre>{@code
 * VirtioFeatures offered = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
 * VirtioFeatures used = VirtioFeatures.negotiate(offered, VirtioFeatures.of(VirtioFeatures.VERSION_1));
 * used.eventIdx();   // false: the driver did not ask for it
 * }</pre>
 *
 * @param bits the feature bits, bit {@code n} standing for feature {@code n}
 */
public record VirtioFeatures(long bits) {

    /** {@code VIRTIO_F_INDIRECT_DESC}: descriptors may point to tables of descriptors. */
    public static final int INDIRECT_DESC = 28;
    /** {@code VIRTIO_F_EVENT_IDX}: {@code used_event}/{@code avail_event} replace the flags. */
    public static final int EVENT_IDX = 29;
    /** {@code VIRTIO_F_VERSION_1}: little-endian, non-legacy device. */
    public static final int VERSION_1 = 32;
    /**
     * {@code VIRTIO_F_IN_ORDER}: the device uses buffers in the order they were made available,
     * so it may write one used element for a batch, and the driver uses descriptors in ring order.
     */
    public static final int IN_ORDER = 35;

    /** No features. */
    public static final VirtioFeatures NONE = new VirtioFeatures(0);

    /**
     * The set of the given feature bit numbers.
     *
     * @throws IllegalArgumentException if a bit number is outside [0, 63]
     */
    public static VirtioFeatures of(int... featureBits) {
        long bits = 0;
        for (int bit : featureBits) {
            if (bit < 0 || bit > 63) {
                throw new IllegalArgumentException("VIRTIO feature bit " + bit + " is outside [0, 63]");
            }
            bits |= 1L << bit;
        }
        return new VirtioFeatures(bits);
    }

    /** The features both sides use: those the device offers and the driver accepts. */
    public static VirtioFeatures negotiate(VirtioFeatures offeredByDevice, VirtioFeatures acceptedByDriver) {
        return new VirtioFeatures(offeredByDevice.bits & acceptedByDriver.bits);
    }

    /** Whether feature bit {@code bit} is set. */
    public boolean has(int bit) {
        return bit >= 0 && bit < 64 && (bits & (1L << bit)) != 0;
    }

    /** Whether {@code VIRTIO_F_EVENT_IDX} is set. */
    public boolean eventIdx() {
        return has(EVENT_IDX);
    }

    /** Whether {@code VIRTIO_F_IN_ORDER} is set. */
    public boolean inOrder() {
        return has(IN_ORDER);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("VirtioFeatures[");
        String sep = "";
        for (int bit = 0; bit < 64; bit++) {
            if (has(bit)) {
                s.append(sep).append(switch (bit) {
                    case INDIRECT_DESC -> "INDIRECT_DESC";
                    case EVENT_IDX -> "EVENT_IDX";
                    case VERSION_1 -> "VERSION_1";
                    case IN_ORDER -> "IN_ORDER";
                    default -> "bit" + bit;
                });
                sep = ", ";
            }
        }
        return s.append(']').toString();
    }
}
