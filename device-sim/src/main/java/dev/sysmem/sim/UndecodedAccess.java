package dev.sysmem.sim;

import dev.sysmem.io.Register;
import dev.sysmem.io.Width;

import java.util.Optional;

/**
 * What an {@link Mmio} region does with an access that no register decodes: an offset where no
 * register starts, or a width the register there does not accept. Each device model chooses, the
 * way its specification says (QEMU's {@code edu} reads all-ones, ivshmem's BAR0 reads 0, a strict
 * model refuses).
 *
 * <p>It runs under the region's lock, like the register handlers. It only sees accesses that are
 * inside the region, aligned and of a width the region accepts; the rest are refused before,
 * with the exceptions {@link dev.sysmem.io.Io} documents.
 *
 * <pre>{@code
 * Mmio.builder("bar0", 0x100).register(CTRL).undecoded(UndecodedAccess.readsAs(0)).build();
 * }</pre>
 */
public interface UndecodedAccess {

    /** The value a read returns; only its low {@code width} bits are used. */
    long read(Mmio region, Width width, long offset);

    /** Handles a write; doing nothing means the device ignores it. */
    void write(Mmio region, Width width, long offset, long value);

    /**
     * Refuses undecoded accesses with an {@link IllegalArgumentException} that names region,
     * offset, width and the register at that offset, if there is one: the default, since a driver
     * touching an undocumented offset is usually a bug.
     */
    static UndecodedAccess refuse() {
        return new UndecodedAccess() {
            @Override
            public long read(Mmio region, Width width, long offset) {
                throw refusal(region, width, offset, false);
            }

            @Override
            public void write(Mmio region, Width width, long offset, long value) {
                throw refusal(region, width, offset, true);
            }

            @Override
            public String toString() {
                return "refuse";
            }
        };
    }

    /** Reads return {@code value} (its low bits, for narrow accesses); writes are ignored. */
    static UndecodedAccess readsAs(long value) {
        return new UndecodedAccess() {
            @Override
            public long read(Mmio region, Width width, long offset) {
                return value & width.mask();
            }

            @Override
            public void write(Mmio region, Width width, long offset, long written) {
            }

            @Override
            public String toString() {
                return "reads as 0x" + Long.toHexString(value) + ", writes ignored";
            }
        };
    }

    private static IllegalArgumentException refusal(Mmio region, Width width, long offset, boolean write) {
        Optional<Register> there = region.registerAt(offset);
        String where = there.map(r -> "register " + r.name() + " there accepts only " + region.acceptedWidths(r)
                + " accesses").orElse("no register starts at that offset");
        return new IllegalArgumentException("region '" + region.name() + "': " + width + (write ? " write" : " read")
                + " at offset 0x" + Long.toHexString(offset) + " is refused: " + where);
    }
}
