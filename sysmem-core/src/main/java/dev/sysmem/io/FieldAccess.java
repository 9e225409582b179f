package dev.sysmem.io;

/**
 * How a device treats accesses to a register field. Metadata for device models (device-sim's
 * {@code Mmio} honours it); a driver's {@link Register#read} and {@link Register#write} do not
 * change behaviour with it, since the hardware, not the driver, gives these effects.
 */
public enum FieldAccess {
    /** Read and write. */
    RW,
    /** Read-only: writes are ignored by the device. */
    RO,
    /** Write-only: reads return 0. */
    WO,
    /** Write 1 to clear: writing 1 clears a bit, writing 0 leaves it. */
    W1C,
    /** Read to clear: a read returns the value and clears it. */
    RC
}
