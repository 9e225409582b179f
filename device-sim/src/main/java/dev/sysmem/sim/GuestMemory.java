package dev.sysmem.sim;

import dev.sysmem.io.SysMem;

import java.util.Objects;

/**
 * The RAM of the simulated machine, as devices see it for DMA: a {@link SysMem} region placed at
 * a guest-physical base address. Devices reach it through a {@link DmaWindow}, which checks every
 * address against it.
 *
 * <p><b>Invariants.</b> The memory occupies guest addresses {@code [base, base + size)}, and that
 * range does not wrap around the 64-bit address space.
 *
 * <pre>{@code
 * SharedMemory ram = SharedMemory.anonymous(1 << 20);
 * GuestMemory guest = new GuestMemory(ram.io("guest-ram"), 0x10_0000);   // RAM at 1 MiB
 * DmaWindow dma = guest.window("edu");
 * }</pre>
 */
public final class GuestMemory {

    private final SysMem memory;
    private final long base;

    /**
     * Guest memory {@code memory}, at guest-physical address {@code base}.
     *
     * @throws IllegalArgumentException if {@code base} is negative or the range would wrap
     */
    public GuestMemory(SysMem memory, long base) {
        this.memory = Objects.requireNonNull(memory, "memory");
        if (base < 0 || base > Long.MAX_VALUE - memory.size()) {
            throw new IllegalArgumentException("guest memory '" + memory.name() + "': base 0x" + Long.toHexString(base)
                    + " with " + memory.size() + " bytes does not fit the address space");
        }
        this.base = base;
    }

    /** The memory, offset 0 being guest address {@link #base()}. */
    public SysMem memory() {
        return memory;
    }

    /** The guest-physical address of the first byte. */
    public long base() {
        return base;
    }

    /** Size in bytes. */
    public long size() {
        return memory.size();
    }

    /** The guest-physical address just past the last byte. */
    public long end() {
        return base + memory.size();
    }

    /** The memory's name. */
    public String name() {
        return memory.name();
    }

    /** Device {@code deviceName}'s checked access to this memory. */
    public DmaWindow window(String deviceName) {
        return new DmaWindow(deviceName, this);
    }

    @Override
    public String toString() {
        return "GuestMemory[" + name() + " at [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(end()) + ")]";
    }
}
