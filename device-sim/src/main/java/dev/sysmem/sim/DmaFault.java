package dev.sysmem.sim;

/**
 * A device tried to move data outside the memory it may reach: a DMA address or length that
 * falls outside guest memory, or outside a device-side buffer. A device model throws it from its
 * loop, so the {@link DeviceRunner} reports it to the test as the device's failure, where real
 * hardware would corrupt memory or (QEMU 7.2's {@code edu}) abort the emulator.
 *
 * <p>The message names the device, the direction, the address, the length and the range that was
 * allowed; nothing was copied.
 */
public final class DmaFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String device;
    private final long address;
    private final long length;

    /**
     * A fault of device {@code device}: a {@code what} ("read", "write", ...) of {@code length}
     * bytes at {@code address}, outside {@code target} = {@code [start, end)}.
     */
    public DmaFault(String device, String what, long address, long length, String target, long start, long end) {
        super("device '" + device + "': DMA " + what + " of " + Long.toUnsignedString(length) + " bytes at 0x"
                + Long.toHexString(address) + " is outside " + target + " [0x" + Long.toHexString(start) + ", 0x"
                + Long.toHexString(end) + "); nothing was copied");
        this.device = device;
        this.address = address;
        this.length = length;
    }

    /**
     * A fault of device {@code device}: a {@code what} of {@code length} bytes at {@code address}
     * that is not a transfer at all, for the reason {@code why}.
     */
    public DmaFault(String device, String what, long address, long length, String why) {
        super("device '" + device + "': DMA " + what + " of " + Long.toUnsignedString(length) + " bytes at 0x"
                + Long.toHexString(address) + " refused: " + why + "; nothing was copied");
        this.device = device;
        this.address = address;
        this.length = length;
    }

    /** The device that attempted the transfer. */
    public String device() {
        return device;
    }

    /** The address it used. */
    public long address() {
        return address;
    }

    /** The length it asked for. */
    public long length() {
        return length;
    }
}
