package dev.sysmem.sim.vhost;

import dev.sysmem.io.SysMem;
import dev.sysmem.sim.ivshmem.Libc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The guest's RAM as a vhost-user front-end hands it over ({@code SET_MEM_TABLE}): regions, each a
 * file descriptor with a guest-physical range, the front-end's own virtual address of it, and an
 * offset into the file. The back-end maps every region with {@code mmap(MAP_SHARED)} through FFM.
 *
 * <p>All regions are mapped into one reserved stretch of address space, each at its
 * guest-physical address, so that one {@link MemorySegment} indexed by guest-physical address
 * serves the virtqueue code; the gaps between regions stay {@code PROT_NONE} and nothing may touch
 * them, which is why every address is checked against the table first ({@link #refuse},
 * {@link #toGuestPhysical}).
 *
 * <p><b>Guarantees.</b> A table is built whole or not at all: a region that is empty, misaligned
 * (the guest-physical address, size and file offset must be multiples of 4096), overlaps another,
 * ends past 2<sup>40</sup> (1 TiB of guest-physical space), or lies past the end of its file is
 * refused with an {@link IllegalArgumentException} naming the region and the rule; nothing stays
 * mapped and the descriptors are closed either way (the back-end never keeps them, as
 * libvhost-user does not). Translations refuse any range that is not entirely inside regions.
 * {@link #close} unmaps everything; the segment must not be used afterwards. One thread (the
 * back-end's) uses a table.
 */
final class GuestMemoryTable implements AutoCloseable {

    /** At most this many regions, as libvhost-user ({@code VHOST_MEMORY_BASELINE_NREGIONS}). */
    static final int MAX_REGIONS = 8;
    /** The highest guest-physical address a region may end at. */
    static final long MAX_GUEST_PHYSICAL = 1L << 40;
    private static final long PAGE = 4096;

    /** One region of the table, as the front-end described it. */
    record Region(long guestPhysical, long size, long userAddress, long mmapOffset) {
        long guestEnd() {
            return guestPhysical + size;
        }

        @Override
        public String toString() {
            return "region [gpa 0x" + Long.toHexString(guestPhysical) + ", 0x" + Long.toHexString(guestEnd())
                    + "), uva 0x" + Long.toHexString(userAddress) + ", mmap_offset 0x" + Long.toHexString(mmapOffset);
        }
    }

    private final List<Region> regions;
    private final long reservation;
    private final long reservedSize;
    private final MemorySegment memory;
    private boolean closed;

    private GuestMemoryTable(List<Region> regions, long reservation, long reservedSize) {
        this.regions = regions;
        this.reservation = reservation;
        this.reservedSize = reservedSize;
        this.memory = MemorySegment.ofAddress(reservation).reinterpret(reservedSize);
    }

    /**
     * Checks {@code regions} and maps each one from {@code fds[i]}; the descriptors are closed
     * before this returns, whatever happens.
     *
     * @throws IllegalArgumentException if a region breaks a rule (see the class comment)
     * @throws IOException              if {@code mmap} fails
     */
    static GuestMemoryTable map(List<Region> regions, int[] fds) throws IOException {
        try {
            if (regions.size() != fds.length) {
                throw new IllegalArgumentException(regions.size() + " regions but " + fds.length + " descriptors");
            }
            if (regions.isEmpty() || regions.size() > MAX_REGIONS) {
                throw new IllegalArgumentException("a memory table holds 1 to " + MAX_REGIONS + " regions, not "
                        + regions.size());
            }
            long end = 0;
            for (int i = 0; i < regions.size(); i++) {
                Region r = regions.get(i);
                check(r, fds[i]);
                end = Math.max(end, r.guestEnd());
            }
            List<Region> sorted = new ArrayList<>(regions);
            sorted.sort(Comparator.comparingLong(Region::guestPhysical));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).guestPhysical() < sorted.get(i - 1).guestEnd()) {
                    throw new IllegalArgumentException(sorted.get(i) + " overlaps " + sorted.get(i - 1));
                }
            }
            // Reserve the whole guest-physical range, inaccessible, then put each region in place.
            long reservation = Libc.map(0, end, Libc.PROT_NONE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0, "guest address space");
            try {
                for (int i = 0; i < regions.size(); i++) {
                    Region r = regions.get(i);
                    Libc.map(reservation + r.guestPhysical(), r.size(), Libc.PROT_READ_WRITE,
                            Libc.MAP_SHARED | Libc.MAP_FIXED, fds[i], r.mmapOffset(), "guest memory " + r);
                }
            } catch (IOException | RuntimeException e) {
                Libc.unmap(reservation, end);
                throw e;
            }
            return new GuestMemoryTable(List.copyOf(sorted), reservation, end);
        } finally {
            for (int fd : fds) {
                Libc.closeQuietly(fd);
            }
        }
    }

    private static void check(Region r, int fd) throws IOException {
        if (r.size() <= 0) {
            throw new IllegalArgumentException(r + ": memory_size must be positive, was " + r.size());
        }
        if (r.guestPhysical() < 0 || r.guestPhysical() > MAX_GUEST_PHYSICAL - r.size()) {
            throw new IllegalArgumentException(r + " of " + r.size() + " bytes does not end below 2^40");
        }
        if (r.guestPhysical() % PAGE != 0 || r.size() % PAGE != 0 || r.mmapOffset() % PAGE != 0) {
            throw new IllegalArgumentException(r + " of " + r.size() + " bytes: guest address, size and mmap_offset "
                    + "must be multiples of " + PAGE);
        }
        if (r.mmapOffset() < 0 || r.userAddress() < 0 || r.userAddress() > Long.MAX_VALUE - r.size()) {
            throw new IllegalArgumentException(r + ": negative or overflowing mmap_offset or user address");
        }
        long fileSize = Libc.fileSize(fd);
        if (r.mmapOffset() > fileSize - r.size()) {
            throw new IllegalArgumentException(r + " of " + r.size() + " bytes lies past the end of its file ("
                    + fileSize + " bytes)");
        }
    }

    /** The regions, by guest-physical address. */
    List<Region> regions() {
        return regions;
    }

    /** All mapped guest memory as one segment indexed by guest-physical address, gaps included. */
    MemorySegment segment() {
        requireOpen();
        return memory;
    }

    /** The same as a {@link SysMem} view. */
    SysMem io() {
        return SysMem.of("vhost-user guest memory", segment());
    }

    /**
     * Null if {@code [gpa, gpa + length)} is all guest RAM (it may span adjacent regions);
     * otherwise why not, naming the address and the table.
     */
    String refuse(long gpa, long length) {
        if (length < 0 || gpa < 0 || gpa > Long.MAX_VALUE - length) {
            return "range 0x" + Long.toHexString(gpa) + " + " + length + " overflows";
        }
        long at = gpa;
        long end = gpa + length;
        for (Region r : regions) {
            if (at >= r.guestPhysical() && at < r.guestEnd()) {
                at = r.guestEnd();
            }
            if (at >= end) {
                return null;
            }
        }
        if (length == 0 && gpa <= reservedSize) {
            return null;
        }
        return "guest-physical 0x" + Long.toHexString(at) + " (in [0x" + Long.toHexString(gpa) + ", 0x"
                + Long.toHexString(end) + ")) is in no region of the memory table " + regions;
    }

    /**
     * The guest-physical address of the front-end's virtual address {@code uva}, where a range of
     * {@code length} bytes from it lies inside one region (ring addresses in {@code SET_VRING_ADDR}
     * are the front-end's virtual addresses).
     *
     * @throws IllegalArgumentException if no region holds the whole range
     */
    long toGuestPhysical(long uva, long length, String what) {
        for (Region r : regions) {
            if (uva >= r.userAddress() && uva - r.userAddress() <= r.size() - length) {
                return r.guestPhysical() + (uva - r.userAddress());
            }
        }
        throw new IllegalArgumentException(what + " at front-end address 0x" + Long.toHexString(uva) + " (" + length
                + " bytes) is in no region of the memory table " + regions);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the guest memory table was replaced or closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.unmap(reservation, reservedSize);
        }
    }

    @Override
    public String toString() {
        return "GuestMemoryTable" + regions;
    }
}
