package dev.sysmem.sim;

import dev.sysmem.io.SysMem;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One device's DMA access to {@link GuestMemory}: reads and writes at guest-physical addresses,
 * each checked against the memory before a byte moves.
 *
 * <p><b>Guarantees.</b> A transfer that does not lie entirely inside guest memory (address below
 * the base, end past it, or a length that would wrap) throws a {@link DmaFault} naming the device,
 * the address, the length and the memory's range, and copies nothing: a clear device error, never
 * a crash and never a silent write elsewhere. The copies themselves are plain bulk copies; order
 * them against the driver with the protocol's own acquire/release words, as real DMA is ordered
 * by the device's doorbells and interrupts.
 *
 * <pre>{@code
 * DmaWindow dma = guest.window("mydev");
 * dma.read(descriptorAddress, buffer);           // guest RAM -> device buffer
 * SysMem desc = dma.at(descriptorAddress, 16);   // or a checked view for typed accesses
 * long addr = desc.read64(0);
 * }</pre>
 */
public final class DmaWindow {

    private final String device;
    private final GuestMemory guest;

    DmaWindow(String device, GuestMemory guest) {
        this.device = Objects.requireNonNull(device, "device");
        this.guest = Objects.requireNonNull(guest, "guest");
    }

    /** The device doing the DMA. */
    public String device() {
        return device;
    }

    /** The memory this window reaches. */
    public GuestMemory guest() {
        return guest;
    }

    /**
     * A view of the {@code length} bytes at guest address {@code address}, for typed accesses.
     *
     * @throws DmaFault if the range is not inside guest memory
     */
    public SysMem at(long address, long length) {
        return guest.memory().slice(offset(address, length, "access"), length);
    }

    /**
     * Copies {@code into.byteSize()} bytes from guest address {@code address} into {@code into}.
     *
     * @throws DmaFault if the range is not inside guest memory
     */
    public void read(long address, MemorySegment into) {
        long offset = offset(address, into.byteSize(), "read");
        MemorySegment.copy(guest.memory().segment(), offset, into, 0, into.byteSize());
    }

    /**
     * Copies all of {@code from} to guest address {@code address}.
     *
     * @throws DmaFault if the range is not inside guest memory
     */
    public void write(long address, MemorySegment from) {
        long offset = offset(address, from.byteSize(), "write");
        MemorySegment.copy(from, 0, guest.memory().segment(), offset, from.byteSize());
    }

    /**
     * Checks that {@code [address, address + length)} lies inside guest memory; returns its offset
     * in {@link GuestMemory#memory()}.
     *
     * @throws DmaFault if it does not
     */
    public long offset(long address, long length, String what) {
        long start = guest.base();
        if (length < 0 || Long.compareUnsigned(address, start) < 0
                || Long.compareUnsigned(address - start, guest.size()) > 0
                || Long.compareUnsigned(length, guest.size() - (address - start)) > 0) {
            throw new DmaFault(device, what, address, length, "guest memory '" + guest.name() + "'", start, guest.end());
        }
        return address - start;
    }

    @Override
    public String toString() {
        return "DmaWindow[" + device + " -> " + guest + "]";
    }
}
