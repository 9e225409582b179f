package dev.sysmem.io;

import dev.sysmem.io.spi.AccessHandler;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An {@link AtomicIo} over system memory that another agent (a device thread, another process, a
 * QEMU guest) may read and write at the same time: the Java counterpart of the kernel's
 * {@code SysMem} backend. Every access is one {@code VarHandle} access on a native
 * {@link MemorySegment} in this view's {@link AccessMode}, after the checks described on
 * {@link Io}.
 *
 * <p>A view is a value: region, name, mode, byte order, supported widths and writability are fixed
 * when it is made; {@link #withMode}, {@link #relaxed}, {@link #withOrder}, {@link #withWidths},
 * {@link #readOnly}, {@link #slice} and {@link #project} return new views of the same memory.
 *
 * <p><b>How a view is chosen.</b> {@code SysMem} is a sealed class. The common view (little-endian,
 * every width, writable, over memory that cannot vanish under it: anonymous memory, or a mapping
 * of a sealed memfd from {@link SharedMemory#sealed}) is one final class per access mode, chosen
 * once when the view is made by an exhaustive {@code switch} on the mode; each of its accesses is
 * a single {@code VarHandle} call plus the value range check the JDK cannot make. A view of a
 * whole region ({@link #of}, {@link SharedMemory#io}, and every {@link #withMode} and the like of
 * them) is that class defined again for its region, as a hidden class whose segment is a constant
 * to the JIT: its accesses load no segment, where the raw handle's caller loads the segment and
 * its fields for every ordered access (the benchmarks module's README has the figures). The
 * region's classes are unloaded with its last view. A {@link #slice} is an object of the mode's
 * class itself. Every other view (restricted widths, read-only, big-endian, a mapped
 * file a peer may truncate) is a general class that checks those conditions first, with the same
 * messages, and {@link #intercepted} views hand their accesses to an {@link AccessHandler}.
 *
 * <p><b>What a class per region costs.</b> Making the first view of a region in a mode defines a
 * class (a few hundred microseconds; further views of it are objects of that class). A call site
 * that sees the views of one region inlines them; of two regions, both, behind a class test; of
 * three or more, it makes a virtual call the JIT does not inline, several times slower than one
 * inlined access. Code that sends many regions through one call site can pass views of part of a
 * region ({@link #slice}), which share their mode's class.
 *
 * <p><b>In a hot loop</b>, copy the view from its field into a local first. An opaque or stronger
 * access is a barrier for all of the JIT's knowledge of memory, so a view read from a field is read
 * again, and its class checked again, for every access; a view in a local has its class checked
 * once, before the loop.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The default mode is {@link AccessMode#OPAQUE}, the kernel's {@code read_volatile}: no
 *       access is torn, merged or elided, and each location is coherent. Stronger modes add the
 *       ordering {@link AccessMode} lists.</li>
 *   <li>The default byte order is little-endian, as PCI devices use; big-endian views convert at
 *       every width, and the 32/64-bit atomics work in either order.</li>
 *   <li>The access path allocates nothing. Bounds, the alignment of the absolute address and the
 *       memory's liveness are the {@code VarHandle}'s own checks, made before it touches memory;
 *       its exceptions are turned into this view's messages, which name the region, its size,
 *       the offset and the width.</li>
 *   <li>Alignment is checked against the absolute address, as the kernel's {@code offset_valid}
 *       does, so a slice starting at an odd address cannot hide a misaligned access.</li>
 *   <li>After the segment's arena closes, accesses throw {@link IllegalStateException} naming the
 *       region; an access from a thread a confined arena does not belong to throws
 *       {@link WrongThreadException} naming the region and the thread.</li>
 *   <li>A mapped file that sysmem only opens (a path, not a sealed memfd) may be truncated by a
 *       peer. Accesses to it go through a guarded, non-inlined path, so that the access touching
 *       a lost page throws {@link MemoryFault}; {@link MemoryFault} states, per operation and
 *       compilation mode, what the JDK still leaves open. Memory sysmem creates itself for
 *       sharing ({@link SharedMemory#sealed}) is sealed against shrinking and needs no guard.</li>
 *   <li>The atomic read-modify-write methods (32 and 64 bits) are sequentially consistent whatever
 *       the view's mode. 8/16-bit atomics do not exist in the JDK and are not offered.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.anonymous(4096)) {
 *     SysMem ring = shm.io("ring");                         // OPAQUE, little-endian
 *     SysMem doorbell = ring.slice(0x100, 4).withMode(AccessMode.ACQUIRE_RELEASE);
 *     ring.write64(0x00, bufferAddress);
 *     ring.write32(0x08, length);
 *     doorbell.write32(0, 1);                               // release: publishes the two above
 * }
 * }</pre>
 */
public abstract sealed class SysMem implements AtomicIo permits DirectSysMem, GeneralSysMem, InterceptedSysMem {

    /** Bit {@code b} set means accesses of {@code b} bytes are allowed (b = 1, 2, 4, 8). */
    static final int ALL_WIDTHS = 1 | 2 | 4 | 8;

    final String name;
    final long size;
    /** The absolute address of offset 0, against which alignment is checked. */
    final long address;
    final AccessMode mode;
    final boolean bigEndian;
    /** The widths allowed, as a set of byte counts: bit {@code b} for accesses of {@code b} bytes. */
    final int widthBits;
    final boolean readOnly;
    private final Set<Width> widthSet;

    SysMem(String name, long size, long address, AccessMode mode, boolean bigEndian, int widthBits, boolean readOnly) {
        this.name = name;
        this.size = size;
        this.address = address;
        this.mode = mode;
        this.bigEndian = bigEndian;
        this.widthBits = widthBits;
        this.readOnly = readOnly;
        EnumSet<Width> set = EnumSet.noneOf(Width.class);
        for (Width w : Width.values()) {
            if ((widthBits & w.bytes()) != 0) {
                set.add(w);
            }
        }
        this.widthSet = Collections.unmodifiableSet(set);
    }

    /**
     * A view of all of {@code segment}: {@link AccessMode#OPAQUE}, little-endian, every width,
     * writable unless the segment is read-only. A mapped segment ({@link MemorySegment#isMapped()})
     * is treated as a file a peer may truncate and takes the guarded path; use
     * {@link SharedMemory#io} for memory sysmem knows to be sealed. Any other writable segment is
     * a region of its own: each call defines its views' class anew (the class description says what
     * a class per region costs), so make the view once and derive the others from it.
     *
     * @throws IllegalArgumentException if the segment is not native (device memory never lives
     *                                  on the Java heap, and heap arrays cannot promise alignment)
     */
    public static SysMem of(String name, MemorySegment segment) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("region '" + name + "': SysMem needs a native memory segment "
                    + "(Arena or mapped file), not a heap segment");
        }
        if (!segment.isMapped() && !segment.isReadOnly()) {
            return new ConstantViews(segment).view(name, AccessMode.OPAQUE);
        }
        return over(name, segment, segment.isMapped(), AccessMode.OPAQUE, false, ALL_WIDTHS, segment.isReadOnly());
    }

    /**
     * A view named {@code name} of {@code size} bytes whose accesses go to {@code handler} instead
     * of memory: how the race explorer takes over every access drivers and devices make while they
     * hold ordinary {@code SysMem} views. The view is {@link AccessMode#OPAQUE}, little-endian,
     * every width, writable; its memory starts at absolute address 0, so alignment is checked
     * against the offset from the start of the handler's memory. Every view made from it
     * ({@link #withMode}, {@link #slice}, {@link #project}, ...) stays intercepted, with the
     * handler told that view's mode, its offset and the address in the handler's memory.
     *
     * <p>The checks an ordinary view makes (bounds, alignment, width, writability, value range)
     * run first, with the same messages, so the handler never sees an access the view refuses.
     * Such a view has no {@link #segment()}.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static SysMem intercepted(String name, long size, AccessHandler handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        if (size <= 0) {
            throw new IllegalArgumentException("region '" + name + "': size must be positive, was " + size);
        }
        return new InterceptedSysMem(handler, null, name, size, 0, AccessMode.OPAQUE, false, ALL_WIDTHS, false);
    }

    /**
     * As {@link #intercepted(String, long, AccessHandler)}, over {@code contents}, the memory the
     * handler serves (its size is the view's): every access still goes to the handler, and
     * {@link #segment()} returns the view's bytes of {@code contents} for bulk copies (DMA
     * buffers, data to checksum), which the handler does not see.
     */
    public static SysMem intercepted(String name, MemorySegment contents, AccessHandler handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(handler, "handler");
        if (contents.byteSize() <= 0) {
            throw new IllegalArgumentException("region '" + name + "': size must be positive, was " + contents.byteSize());
        }
        return new InterceptedSysMem(handler, contents, name, contents.byteSize(), 0, AccessMode.OPAQUE, false, ALL_WIDTHS,
                false);
    }

    /**
     * The view of {@code segment} with these properties: one of the per-mode classes when nothing
     * but the mode distinguishes it, the general class otherwise.
     *
     * @param guarded whether the segment maps a file a peer may truncate ({@link MappedAccess})
     */
    static SysMem over(String name, MemorySegment segment, boolean guarded, AccessMode mode, boolean bigEndian,
                       int widthBits, boolean readOnly) {
        if (guarded || bigEndian || widthBits != ALL_WIDTHS || readOnly) {
            return new GeneralSysMem(name, segment, guarded, mode, bigEndian, widthBits, readOnly);
        }
        return direct(name, segment, mode);
    }

    /**
     * The unchecked-by-us view of {@code segment} in {@code mode}, of the mode's class loaded by its
     * name (a slice, or the delegate of a general view); {@link ConstantViews#template} picks the same
     * class for a whole region's views.
     */
    static DirectSysMem direct(String name, MemorySegment segment, AccessMode mode) {
        return switch (mode) {
            case PLAIN -> new PlainSysMem(name, segment, null);
            case OPAQUE -> new OpaqueSysMem(name, segment, null);
            case ACQUIRE_RELEASE -> new AcquireReleaseSysMem(name, segment, null);
            case VOLATILE -> new VolatileSysMem(name, segment, null);
        };
    }

    /**
     * This view's memory from {@code offset} for {@code length} bytes (already checked to lie
     * inside), named {@code name}, with the given properties.
     */
    abstract SysMem view(String name, long offset, long length, AccessMode mode, boolean bigEndian,
                         int widthBits, boolean readOnly);

    /**
     * A segment laid out like this region from offset 0 for at least {@code layout}'s size, on
     * which a layout's slice handle can compute offsets; {@code scratch} is closed right after.
     */
    abstract MemorySegment layoutProbe(Arena scratch, MemoryLayout layout);

    /** The region's name. */
    @Override
    public final String name() {
        return name;
    }

    /** The region's size in bytes. */
    @Override
    public final long size() {
        return size;
    }

    /** The mode every plain read and write of this view uses. */
    public final AccessMode mode() {
        return mode;
    }

    /** The byte order of multi-byte values in memory. */
    public final ByteOrder order() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Whether writes are refused. */
    public final boolean isReadOnly() {
        return readOnly;
    }

    /**
     * The segment this view covers: exactly the region, offset 0 is the region's first byte.
     *
     * @throws UnsupportedOperationException for an {@link #intercepted} view, which has no memory
     *                                       of its own
     */
    public abstract MemorySegment segment();

    @Override
    public final Set<Width> widths() {
        return widthSet;
    }

    @Override
    public final boolean supports(Width width) {
        return (widthBits & width.bytes()) != 0;
    }

    /** The same region, accessed in {@code newMode}. */
    public final SysMem withMode(AccessMode newMode) {
        Objects.requireNonNull(newMode, "mode");
        return view(name, 0, size, newMode, bigEndian, widthBits, readOnly);
    }

    /**
     * The same region in {@link AccessMode#OPAQUE}: accesses stay atomic and visible but impose no
     * ordering against other memory, the counterpart of {@code RelaxedMmio}.
     */
    public final SysMem relaxed() {
        return withMode(AccessMode.OPAQUE);
    }

    /** The same region, reading and writing multi-byte values in {@code newOrder}. */
    public final SysMem withOrder(ByteOrder newOrder) {
        Objects.requireNonNull(newOrder, "order");
        return view(name, 0, size, mode, newOrder == ByteOrder.BIG_ENDIAN, widthBits, readOnly);
    }

    /**
     * The same region accepting only {@code allowed} widths, as a config-space-like region without
     * 64-bit accesses. Accesses of other widths throw {@link IllegalArgumentException}. Views only
     * narrow: a width this view does not support cannot be allowed again.
     *
     * @throws IllegalArgumentException if {@code allowed} is empty or holds a width this view refuses
     */
    public final SysMem withWidths(Width... allowed) {
        if (allowed.length == 0) {
            throw new IllegalArgumentException("region '" + name + "': a view must support at least one width");
        }
        int mask = 0;
        for (Width w : allowed) {
            if (!supports(Objects.requireNonNull(w, "width"))) {
                throw new IllegalArgumentException("region '" + name + "': cannot allow " + w
                        + " accesses again; this view supports only " + widths());
            }
            mask |= w.bytes();
        }
        return view(name, 0, size, mode, bigEndian, mask, readOnly);
    }

    /** The same region with writes refused. */
    public final SysMem readOnly() {
        return view(name, 0, size, mode, bigEndian, widthBits, true);
    }

    /** The same view under another name (used in error messages). */
    public final SysMem withName(String newName) {
        return view(Objects.requireNonNull(newName, "name"), 0, size, mode, bigEndian, widthBits, readOnly);
    }

    /**
     * The {@code length} bytes at {@code offset} as a view of their own, with this view's mode,
     * order, widths and writability, named {@code name+0xOFFSET}.
     *
     * @throws IndexOutOfBoundsException if the slice does not lie inside this region
     */
    public final SysMem slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("region '" + name + "' (" + size + " bytes): a slice of " + length
                    + " bytes at offset " + AccessCheck.hex(offset) + " does not fit in the region");
        }
        return view(name + "+0x" + Long.toHexString(offset), offset, length, mode, bigEndian, widthBits, readOnly);
    }

    /**
     * The part of this region that {@code path} selects in {@code layout}, where the layout
     * describes the region from offset 0: the counterpart of the kernel's {@code project_view}.
     * The view is named after the path, for example {@code ring[2].len}, and keeps this view's
     * mode, order, widths and writability.
     *
     * <pre>{@code
     * StructLayout desc = MemoryLayout.structLayout(JAVA_LONG.withName("addr"), JAVA_INT.withName("len"),
     *         JAVA_SHORT.withName("flags"), JAVA_SHORT.withName("next"));
     * SequenceLayout table = MemoryLayout.sequenceLayout(256, desc);
     * SysMem len = ring.project(table, sequenceElement(2), groupElement("len"));   // 4 bytes at 0x28
     * }</pre>
     *
     * @throws IllegalArgumentException if the path does not select one member of {@code layout}
     *                                  (a sequence element without an index selects several), or
     *                                  the region's start is not aligned as the layout requires
     * @throws IndexOutOfBoundsException if the layout does not fit in this region
     */
    public final SysMem project(MemoryLayout layout, MemoryLayout.PathElement... path) {
        Objects.requireNonNull(layout, "layout");
        if (layout.byteSize() > size) {
            throw new IndexOutOfBoundsException("region '" + name + "' (" + size + " bytes): cannot project "
                    + layout + ": the layout is " + layout.byteSize() + " bytes, larger than the region");
        }
        if (address % layout.byteAlignment() != 0) {
            throw new IllegalArgumentException("region '" + name + "': cannot project " + layout
                    + ": the region starts at 0x" + Long.toHexString(address) + ", not aligned to the layout's "
                    + layout.byteAlignment() + " bytes");
        }
        MethodHandle slicer;
        try {
            slicer = layout.sliceHandle(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("region '" + name + "': cannot project " + layout + ": " + e.getMessage(), e);
        }
        if (slicer.type().parameterCount() != 2) {
            throw new IllegalArgumentException("region '" + name + "': cannot project " + layout
                    + ": the path selects several members; give every sequence element an index");
        }
        long offset;
        long length;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment whole = layoutProbe(scratch, layout);
            MemorySegment part = (MemorySegment) slicer.invokeExact(whole, 0L);
            offset = part.address() - whole.address();
            length = part.byteSize();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("region '" + name + "': slicing " + layout + " failed", e);
        }
        return slice(offset, length).withName(name + pathName(layout, offset, length));
    }

    /**
     * Names the part of {@code layout} at {@code offset} of {@code length} bytes the way a path
     * reads: {@code [2].len}. The layout, not the path, is walked, because the JDK does not let a
     * path with sequence indices select its layout.
     */
    private static String pathName(MemoryLayout layout, long offset, long length) {
        StringBuilder text = new StringBuilder();
        MemoryLayout current = layout;
        long base = 0;
        while (base != offset || current.byteSize() != length) {
            MemoryLayout next = null;
            long nextBase = base;
            if (current instanceof SequenceLayout sequence && sequence.elementLayout().byteSize() > 0) {
                long index = (offset - base) / sequence.elementLayout().byteSize();
                text.append('[').append(index).append(']');
                next = sequence.elementLayout();
                nextBase = base + index * next.byteSize();
            } else if (current instanceof GroupLayout group) {
                long memberBase = base;
                for (MemoryLayout member : group.memberLayouts()) {
                    if (offset >= memberBase && offset - memberBase + length <= member.byteSize()) {
                        next = member;
                        nextBase = memberBase;
                        text.append('.').append(member.name().orElse("0x" + Long.toHexString(memberBase)));
                        break;
                    }
                    if (group instanceof StructLayout) {
                        memberBase += member.byteSize();
                    }
                }
            }
            if (next == null) {
                return text + "+0x" + Long.toHexString(offset - base);
            }
            current = next;
            base = nextBase;
        }
        return text.isEmpty() ? "." + current.name().orElse("0x" + Long.toHexString(offset)) : text.toString();
    }

    // ---- what every access path shares: turning a failure into this view's message -------------

    /**
     * The exception, naming this region, for an access this view's own checks refused (a width it
     * does not support, a write to a read-only view) or any other fault the full check finds.
     */
    final RuntimeException refusal(long offset, Width width, boolean write) {
        AccessCheck.check(name, size, address, offset, width, widthSet, write, readOnly);
        throw new AssertionError("access check passed on the slow path: " + offset + " " + width);
    }

    /**
     * The exception, naming this region, for an access the {@code VarHandle} refused: out of
     * bounds or misaligned ({@link AccessCheck}'s message), closed memory, or the wrong thread for
     * a confined arena; {@code cause} itself if nothing here explains it.
     */
    final RuntimeException failure(RuntimeException cause, long offset, Width width, boolean write) {
        if (cause instanceof WrongThreadException) {
            WrongThreadException named = new WrongThreadException(AccessCheck.describe(name, size, write, width, offset)
                    + " refused: thread '" + Thread.currentThread().getName() + "' does not own the region's memory ("
                    + cause.getMessage() + ")");
            named.initCause(cause);
            return named;
        }
        if (cause instanceof IllegalStateException) {
            return new IllegalStateException(AccessCheck.describe(name, size, write, width, offset)
                    + " failed: the region's memory was closed (" + cause.getMessage() + ")", cause);
        }
        if (cause instanceof IndexOutOfBoundsException || cause instanceof IllegalArgumentException) {
            try {
                AccessCheck.check(name, size, address, offset, width, widthSet, write, readOnly);
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                return e;
            }
        }
        return cause;
    }

    /** The exception for a write of {@code value}, which does not fit in {@code width}. */
    final IllegalArgumentException valueRefusal(long offset, Width width, long value) {
        AccessCheck.checkValue(name, size, offset, width, value);
        throw new AssertionError("value check passed on the slow path: " + value + " " + width);
    }

    @Override
    public final long read(Width width, long offset) {
        return switch (width) {
            case U8 -> read8(offset);
            case U16 -> read16(offset);
            case U32 -> Integer.toUnsignedLong(read32(offset));
            case U64 -> read64(offset);
        };
    }

    @Override
    public final void write(Width width, long offset, long value) {
        if (!width.accepts(value)) {
            throw valueRefusal(offset, width, value);
        }
        switch (width) {
            case U8 -> write8(offset, (int) value);
            case U16 -> write16(offset, (int) value);
            case U32 -> write32(offset, (int) value);
            case U64 -> write64(offset, value);
        }
    }

    @Override
    public final String toString() {
        return "SysMem[" + name + ", " + size + " bytes at 0x" + Long.toHexString(address) + ", " + mode + ", "
                + order() + ", " + widths() + (readOnly ? ", read-only" : "") + "]";
    }
}
