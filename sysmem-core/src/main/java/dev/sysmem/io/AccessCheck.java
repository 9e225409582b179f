package dev.sysmem.io;

import java.util.Set;

/**
 * The checks every {@link Io} makes before an access reaches memory, and the one message shape for
 * each fault: what was wrong, in which region, at which offset and width, against which size.
 *
 * <p>{@link SysMem} tests all conditions in one cheap expression on its hot path and calls
 * {@link #check} only to build the exception; backends outside this package (such as device-sim's
 * {@code Mmio}) call {@link #check} directly so their messages read the same.
 *
 * <p><b>Guarantees.</b> {@link #check} either returns normally, meaning the access is inside the
 * region, aligned, of a supported width and allowed, or throws before anything was touched.
 * Overflow cannot sneak an access past it: {@code offset > size - width} is computed without
 * adding to the caller's offset.
 */
public final class AccessCheck {

    private AccessCheck() {
    }

    /**
     * Throws the exception for an access of {@code width} at {@code offset} in a region named
     * {@code region} of {@code size} bytes starting at absolute address {@code address}, if the
     * access is not allowed.
     *
     * @param write    whether the access is a write
     * @param readOnly whether the region refuses writes
     * @throws IndexOutOfBoundsException if the access does not lie inside the region
     * @throws IllegalArgumentException if it is misaligned, of an unsupported width, or a write to a
     *                                  read-only region
     */
    public static void check(String region, long size, long address, long offset, Width width,
                             Set<Width> widths, boolean write, boolean readOnly) {
        int bytes = width.bytes();
        if (offset < 0 || offset > size - bytes) {
            throw new IndexOutOfBoundsException(describe(region, size, write, width, offset) + " is out of bounds: "
                    + (size < bytes ? "the region is smaller than one " + width + " access"
                            : "a " + width + " access needs an offset in [0x0, 0x" + Long.toHexString(size - bytes) + "]"));
        }
        if (!widths.contains(width)) {
            throw new IllegalArgumentException(describe(region, size, write, width, offset)
                    + " is refused: the region supports only " + widths + " accesses");
        }
        if (((address + offset) & (bytes - 1)) != 0) {
            throw new IllegalArgumentException(describe(region, size, write, width, offset)
                    + " is misaligned: absolute address 0x" + Long.toHexString(address + offset)
                    + " is not a multiple of " + bytes);
        }
        if (write && readOnly) {
            throw new IllegalArgumentException(describe(region, size, true, width, offset)
                    + " is refused: the region is read-only");
        }
    }

    /**
     * Throws if {@code value} is not a value of {@code width} (see {@link Width#accepts}) for a
     * write at {@code offset} in a region named {@code region} of {@code size} bytes.
     */
    public static void checkValue(String region, long size, long offset, Width width, long value) {
        if (!width.accepts(value)) {
            throw new IllegalArgumentException(describe(region, size, true, width, offset) + " is refused: value 0x"
                    + Long.toHexString(value) + " (" + value + ") does not fit in " + width.bits() + " bits");
        }
    }

    /** {@link #checkValue(String, long, long, Width, long)} where the region's size is not at hand. */
    public static void checkValue(String region, long offset, Width width, long value) {
        checkValue(region, -1, offset, width, value);
    }

    /** For example {@code region 'bar0' (4096 bytes): u32 write at offset 0x10}; a negative size is left out. */
    static String describe(String region, long size, boolean write, Width width, long offset) {
        return "region '" + region + "'" + (size < 0 ? "" : " (" + size + " bytes)") + ": " + width
                + (write ? " write" : " read") + " at offset " + hex(offset);
    }

    /** {@code value} in hexadecimal with its sign: {@code 0x10}, {@code -0x8}. */
    static String hex(long value) {
        // -Long.MIN_VALUE is Long.MIN_VALUE, whose unsigned hex is the magnitude: -0x8000000000000000.
        return value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value);
    }
}
