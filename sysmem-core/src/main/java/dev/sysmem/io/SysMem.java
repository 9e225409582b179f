package dev.sysmem.io;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An {@link Io} over system memory that another agent (a device thread, another process, a QEMU
 * guest) may read and write at the same time: the Java counterpart of the kernel's {@code SysMem}
 * backend. Every access is one {@code VarHandle} access on a native {@link MemorySegment} in this
 * view's {@link AccessMode}, after the checks described on {@link Io}.
 *
 * <p>A view is a value: region, name, mode, byte order, supported widths and writability are fixed
 * when it is made; {@link #withMode}, {@link #relaxed}, {@link #withOrder}, {@link #withWidths},
 * {@link #readOnly}, {@link #slice} and {@link #project} return new views of the same memory.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The default mode is {@link AccessMode#OPAQUE}, the kernel's {@code read_volatile}: no
 *       access is torn, merged or elided, and each location is coherent. Stronger modes add the
 *       ordering {@link AccessMode} lists.</li>
 *   <li>The default byte order is little-endian, as PCI devices use; big-endian views convert at
 *       every width, and the 32/64-bit atomics work in either order.</li>
 *   <li>The access path allocates nothing: one combined range/alignment/width test, one
 *       {@code VarHandle} access chosen by a switch on the mode, and a byte swap for big-endian
 *       views. Faults leave the slow path to build the message, which names the region, its
 *       size, the offset and the width.</li>
 *   <li>Alignment is checked against the absolute address, as the kernel's {@code offset_valid}
 *       does, so a slice starting at an odd address cannot hide a misaligned access.</li>
 *   <li>After the segment's arena closes, accesses throw {@link IllegalStateException} naming the
 *       region. If a peer truncates the file behind a mapped segment, the access that touches a
 *       lost page throws {@link MemoryFault}, interpreted or JIT-compiled, and the JVM keeps
 *       running ({@link MemoryFault} states the one narrow window the JDK leaves open). For that,
 *       an access to a mapped segment ({@link MemorySegment#isMapped()}) costs a method call more
 *       than one to anonymous memory, two before an atomic or an 8/16-bit ordered store.</li>
 *   <li>The atomic read-modify-write methods (32 and 64 bits) are sequentially consistent whatever
 *       the view's mode. 8/16-bit atomics do not exist in the JDK and are refused.</li>
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
public final class SysMem implements Io {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32_BE = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).varHandle();
    private static final VarHandle U64_BE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).varHandle();

    private static final int BIG_ENDIAN_ROUTE = 4;
    private static final int MAPPED_ROUTE = 8;
    private static final int PATH_MASK = 15;

    private static final int PLAIN = 0;
    private static final int OPAQUE = 1;
    private static final int ACQUIRE_RELEASE = 2;
    private static final int VOLATILE = 3;

    /** Bit {@code b} set means accesses of {@code b} bytes are allowed (b = 1, 2, 4, 8). */
    private static final int ALL_WIDTHS = 1 | 2 | 4 | 8;

    private final String name;
    private final MemorySegment segment;
    private final long size;
    private final long address;
    private final AccessMode mode;
    private final int modeCode;
    private final boolean bigEndian;
    private final int readWidths;
    private final int writeWidths;
    /** Whether the segment maps a file, which a peer may truncate under us; see {@link MappedAccess}. */
    private final boolean mapped;
    /**
     * Everything a read decides before touching memory, in one field so the access path makes one
     * load and one switch: bits 0-1 the mode, bit 2 big-endian, bit 3 mapped file, and from bit 8
     * the widths allowed ({@code bytes << 8} for each). {@link #writeRoute} is the same for writes,
     * with no widths when the view is read-only. The benchmarks measured the separate loads and
     * tests this replaces (see benchmarks/README.md).
     */
    private final int readRoute;
    private final int writeRoute;

    private SysMem(String name, MemorySegment segment, AccessMode mode, boolean bigEndian, int widths, boolean readOnly) {
        this.name = name;
        this.segment = segment;
        this.size = segment.byteSize();
        this.address = segment.address();
        this.mode = mode;
        this.modeCode = mode.ordinal();
        this.bigEndian = bigEndian;
        this.readWidths = widths;
        this.writeWidths = readOnly ? 0 : widths;
        this.mapped = segment.isMapped();
        int path = modeCode | (bigEndian ? BIG_ENDIAN_ROUTE : 0) | (mapped ? MAPPED_ROUTE : 0);
        this.readRoute = path | (readWidths << 8);
        this.writeRoute = path | (writeWidths << 8);
    }

    /**
     * A view of all of {@code segment}: {@link AccessMode#OPAQUE}, little-endian, every width,
     * writable unless the segment is read-only.
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
        return new SysMem(name, segment, AccessMode.OPAQUE, false, ALL_WIDTHS, segment.isReadOnly());
    }

    /** The region's name. */
    @Override
    public String name() {
        return name;
    }

    /** The region's size in bytes. */
    @Override
    public long size() {
        return size;
    }

    /** The mode every plain read and write of this view uses. */
    public AccessMode mode() {
        return mode;
    }

    /** The byte order of multi-byte values in memory. */
    public ByteOrder order() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Whether writes are refused. */
    public boolean isReadOnly() {
        return writeWidths == 0;
    }

    /** The segment this view covers: exactly the region, offset 0 is the region's first byte. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public Set<Width> widths() {
        EnumSet<Width> set = EnumSet.noneOf(Width.class);
        for (Width w : Width.values()) {
            if ((readWidths & w.bytes()) != 0) {
                set.add(w);
            }
        }
        return Collections.unmodifiableSet(set);
    }

    @Override
    public boolean supports(Width width) {
        return (readWidths & width.bytes()) != 0;
    }

    /** The same region, accessed in {@code newMode}. */
    public SysMem withMode(AccessMode newMode) {
        Objects.requireNonNull(newMode, "mode");
        return new SysMem(name, segment, newMode, bigEndian, readWidths, isReadOnly());
    }

    /**
     * The same region in {@link AccessMode#OPAQUE}: accesses stay atomic and visible but impose no
     * ordering against other memory, the counterpart of {@code RelaxedMmio}.
     */
    public SysMem relaxed() {
        return withMode(AccessMode.OPAQUE);
    }

    /** The same region, reading and writing multi-byte values in {@code newOrder}. */
    public SysMem withOrder(ByteOrder newOrder) {
        Objects.requireNonNull(newOrder, "order");
        return new SysMem(name, segment, mode, newOrder == ByteOrder.BIG_ENDIAN, readWidths, isReadOnly());
    }

    /**
     * The same region accepting only {@code allowed} widths, as a config-space-like region without
     * 64-bit accesses. Accesses of other widths throw {@link IllegalArgumentException}. Views only
     * narrow: a width this view does not support cannot be allowed again.
     *
     * @throws IllegalArgumentException if {@code allowed} is empty or holds a width this view refuses
     */
    public SysMem withWidths(Width... allowed) {
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
        return new SysMem(name, segment, mode, bigEndian, mask, isReadOnly());
    }

    /** The same region with writes refused. */
    public SysMem readOnly() {
        return new SysMem(name, segment, mode, bigEndian, readWidths, true);
    }

    /** The same view under another name (used in error messages). */
    public SysMem withName(String newName) {
        return new SysMem(Objects.requireNonNull(newName, "name"), segment, mode, bigEndian, readWidths, isReadOnly());
    }

    /**
     * The {@code length} bytes at {@code offset} as a view of their own, with this view's mode,
     * order, widths and writability, named {@code name+0xOFFSET}.
     *
     * @throws IndexOutOfBoundsException if the slice does not lie inside this region
     */
    public SysMem slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("region '" + name + "' (" + size + " bytes): a slice of " + length
                    + " bytes at offset " + AccessCheck.hex(offset) + " does not fit in the region");
        }
        return new SysMem(name + "+0x" + Long.toHexString(offset), segment.asSlice(offset, length),
                mode, bigEndian, readWidths, isReadOnly());
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
    public SysMem project(MemoryLayout layout, MemoryLayout.PathElement... path) {
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
        MemorySegment part;
        try {
            part = (MemorySegment) slicer.invokeExact(segment, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("region '" + name + "': slicing " + layout + " failed", e);
        }
        long offset = part.address() - address;
        return slice(offset, part.byteSize()).withName(name + pathName(layout, offset, part.byteSize()));
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

    // ---- the access path ------------------------------------------------------------------------

    /**
     * Whether this view refuses accesses of {@code bytes} bytes (a width it does not support, or a
     * write to a read-only view). Bounds and alignment are left to the {@code VarHandle}, which
     * checks both against the absolute address before touching memory; repeating them here cost
     * about a third of a read (see benchmarks/README.md). Its exceptions are turned into this
     * view's messages by {@link #refusal}.
     */
    private static boolean refuses(int bytes, int widths) {
        return (widths & bytes) == 0;
    }

    /** The exception, naming this region, for an access the checks refuse. */
    private RuntimeException refusal(long offset, Width width, boolean write) {
        AccessCheck.check(name, size, address, offset, width, widths(), write, isReadOnly());
        throw new AssertionError("access check passed on the slow path: " + offset + " " + width);
    }

    /**
     * The exception, naming this region, for an access the {@code VarHandle} refused (out of
     * bounds, misaligned, read-only); {@code cause} itself if the checks find nothing wrong.
     */
    private RuntimeException refusal(RuntimeException cause, long offset, Width width, boolean write) {
        try {
            AccessCheck.check(name, size, address, offset, width, widths(), write, isReadOnly());
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return e;
        }
        return cause;
    }

    private IllegalStateException lost(IllegalStateException cause, long offset, Width width, boolean write) {
        return new IllegalStateException(AccessCheck.describe(name, size, write, width, offset)
                + " failed: the region's memory was closed (" + cause.getMessage() + ")", cause);
    }

    private MemoryFault fault(InternalError cause, long offset, Width width, boolean write) {
        return new MemoryFault(name, size, offset, width, write, cause);
    }

    private void checkValue(long offset, Width width, long value) {
        if (!width.accepts(value)) {
            AccessCheck.checkValue(name, size, offset, width, value);
        }
    }

    /** A read of {@code bytes} bytes on a mapped file, zero-extended; see {@link MappedAccess}. */
    private long mappedRead(int bytes, long offset) {
        return MappedAccess.access(MappedAccess.code(false, bytes, modeCode), segment, offset, 0, 0);
    }

    /** A write of {@code bytes} bytes on a mapped file; see {@link MappedAccess}. */
    private void mappedWrite(int bytes, long offset, long value) {
        if (bytes < 4 && modeCode != PLAIN) {
            touchMapped(offset);
        }
        MappedAccess.access(MappedAccess.code(true, bytes, modeCode), segment, offset, value, 0);
    }

    /** Faults now, cleanly, if the page at {@code offset} is gone; see {@link MappedAccess#TOUCH}. */
    private void touchMapped(long offset) {
        MappedAccess.access(MappedAccess.TOUCH, segment, offset, 0, 0);
    }

    @Override
    public long read(Width width, long offset) {
        return switch (width) {
            case U8 -> read8(offset);
            case U16 -> read16(offset);
            case U32 -> Integer.toUnsignedLong(read32(offset));
            case U64 -> read64(offset);
        };
    }

    @Override
    public void write(Width width, long offset, long value) {
        checkValue(offset, width, value);
        switch (width) {
            case U8 -> write8(offset, (int) value);
            case U16 -> write16(offset, (int) value);
            case U32 -> write32(offset, (int) value);
            case U64 -> write64(offset, value);
        }
    }

    @Override
    public int read8(long offset) {
        int route = readRoute;
        if ((route & (1 << 8)) == 0) {
            throw refusal(offset, Width.U8, false);
        }
        try {
            return switch (route & PATH_MASK) {
                case PLAIN -> Byte.toUnsignedInt((byte) U8.get(segment, offset));
                case OPAQUE -> Byte.toUnsignedInt((byte) U8.getOpaque(segment, offset));
                case ACQUIRE_RELEASE -> Byte.toUnsignedInt((byte) U8.getAcquire(segment, offset));
                case VOLATILE -> Byte.toUnsignedInt((byte) U8.getVolatile(segment, offset));
                case BIG_ENDIAN_ROUTE | PLAIN -> Byte.toUnsignedInt((byte) U8.get(segment, offset));
                case BIG_ENDIAN_ROUTE | OPAQUE -> Byte.toUnsignedInt((byte) U8.getOpaque(segment, offset));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> Byte.toUnsignedInt((byte) U8.getAcquire(segment, offset));
                case BIG_ENDIAN_ROUTE | VOLATILE -> Byte.toUnsignedInt((byte) U8.getVolatile(segment, offset));
                default -> Byte.toUnsignedInt((byte) mappedRead(1, offset));
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U8, false);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U8, false);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U8, false);
        }
    }

    @Override
    public int read16(long offset) {
        int route = readRoute;
        if ((route & (2 << 8)) == 0) {
            throw refusal(offset, Width.U16, false);
        }
        try {
            return switch (route & PATH_MASK) {
                case PLAIN -> Short.toUnsignedInt((short) U16.get(segment, offset));
                case OPAQUE -> Short.toUnsignedInt((short) U16.getOpaque(segment, offset));
                case ACQUIRE_RELEASE -> Short.toUnsignedInt((short) U16.getAcquire(segment, offset));
                case VOLATILE -> Short.toUnsignedInt((short) U16.getVolatile(segment, offset));
                case BIG_ENDIAN_ROUTE | PLAIN -> Short.toUnsignedInt(Short.reverseBytes((short) U16.get(segment, offset)));
                case BIG_ENDIAN_ROUTE | OPAQUE -> Short.toUnsignedInt(Short.reverseBytes((short) U16.getOpaque(segment, offset)));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> Short.toUnsignedInt(Short.reverseBytes((short) U16.getAcquire(segment, offset)));
                case BIG_ENDIAN_ROUTE | VOLATILE -> Short.toUnsignedInt(Short.reverseBytes((short) U16.getVolatile(segment, offset)));
                default -> Short.toUnsignedInt((route & BIG_ENDIAN_ROUTE) != 0 ? Short.reverseBytes((short) mappedRead(2, offset)) : (short) mappedRead(2, offset));
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U16, false);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U16, false);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U16, false);
        }
    }

    @Override
    public int read32(long offset) {
        int route = readRoute;
        if ((route & (4 << 8)) == 0) {
            throw refusal(offset, Width.U32, false);
        }
        try {
            return switch (route & PATH_MASK) {
                case PLAIN -> (int) U32.get(segment, offset);
                case OPAQUE -> (int) U32.getOpaque(segment, offset);
                case ACQUIRE_RELEASE -> (int) U32.getAcquire(segment, offset);
                case VOLATILE -> (int) U32.getVolatile(segment, offset);
                case BIG_ENDIAN_ROUTE | PLAIN -> Integer.reverseBytes((int) U32.get(segment, offset));
                case BIG_ENDIAN_ROUTE | OPAQUE -> Integer.reverseBytes((int) U32.getOpaque(segment, offset));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> Integer.reverseBytes((int) U32.getAcquire(segment, offset));
                case BIG_ENDIAN_ROUTE | VOLATILE -> Integer.reverseBytes((int) U32.getVolatile(segment, offset));
                default -> (route & BIG_ENDIAN_ROUTE) != 0 ? Integer.reverseBytes((int) mappedRead(4, offset)) : (int) mappedRead(4, offset);
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U32, false);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U32, false);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U32, false);
        }
    }

    @Override
    public long read64(long offset) {
        int route = readRoute;
        if ((route & (8 << 8)) == 0) {
            throw refusal(offset, Width.U64, false);
        }
        try {
            return switch (route & PATH_MASK) {
                case PLAIN -> (long) U64.get(segment, offset);
                case OPAQUE -> (long) U64.getOpaque(segment, offset);
                case ACQUIRE_RELEASE -> (long) U64.getAcquire(segment, offset);
                case VOLATILE -> (long) U64.getVolatile(segment, offset);
                case BIG_ENDIAN_ROUTE | PLAIN -> Long.reverseBytes((long) U64.get(segment, offset));
                case BIG_ENDIAN_ROUTE | OPAQUE -> Long.reverseBytes((long) U64.getOpaque(segment, offset));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> Long.reverseBytes((long) U64.getAcquire(segment, offset));
                case BIG_ENDIAN_ROUTE | VOLATILE -> Long.reverseBytes((long) U64.getVolatile(segment, offset));
                default -> (route & BIG_ENDIAN_ROUTE) != 0 ? Long.reverseBytes((long) mappedRead(8, offset)) : (long) mappedRead(8, offset);
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U64, false);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U64, false);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U64, false);
        }
    }

    @Override
    public void write8(long offset, int value) {
        int route = writeRoute;
        if ((route & (1 << 8)) == 0 || value < -0x80 || value > 0xff) {
            checkValue(offset, Width.U8, value);
            throw refusal(offset, Width.U8, true);
        }
        try {
            switch (route & PATH_MASK) {
                case PLAIN -> U8.set(segment, offset, (byte) value);
                case OPAQUE -> U8.setOpaque(segment, offset, (byte) value);
                case ACQUIRE_RELEASE -> U8.setRelease(segment, offset, (byte) value);
                case VOLATILE -> U8.setVolatile(segment, offset, (byte) value);
                case BIG_ENDIAN_ROUTE | PLAIN -> U8.set(segment, offset, (byte) value);
                case BIG_ENDIAN_ROUTE | OPAQUE -> U8.setOpaque(segment, offset, (byte) value);
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> U8.setRelease(segment, offset, (byte) value);
                case BIG_ENDIAN_ROUTE | VOLATILE -> U8.setVolatile(segment, offset, (byte) value);
                default -> mappedWrite(1, offset, (byte) value);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U8, true);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U8, true);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U8, true);
        }
    }

    @Override
    public void write16(long offset, int value) {
        int route = writeRoute;
        if ((route & (2 << 8)) == 0 || value < -0x8000 || value > 0xffff) {
            checkValue(offset, Width.U16, value);
            throw refusal(offset, Width.U16, true);
        }
        try {
            switch (route & PATH_MASK) {
                case PLAIN -> U16.set(segment, offset, (short) value);
                case OPAQUE -> U16.setOpaque(segment, offset, (short) value);
                case ACQUIRE_RELEASE -> U16.setRelease(segment, offset, (short) value);
                case VOLATILE -> U16.setVolatile(segment, offset, (short) value);
                case BIG_ENDIAN_ROUTE | PLAIN -> U16.set(segment, offset, Short.reverseBytes((short) value));
                case BIG_ENDIAN_ROUTE | OPAQUE -> U16.setOpaque(segment, offset, Short.reverseBytes((short) value));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> U16.setRelease(segment, offset, Short.reverseBytes((short) value));
                case BIG_ENDIAN_ROUTE | VOLATILE -> U16.setVolatile(segment, offset, Short.reverseBytes((short) value));
                default -> mappedWrite(2, offset, (route & BIG_ENDIAN_ROUTE) != 0 ? Short.reverseBytes((short) value) : (short) value);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U16, true);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U16, true);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U16, true);
        }
    }

    @Override
    public void write32(long offset, int value) {
        int route = writeRoute;
        if ((route & (4 << 8)) == 0) {
            throw refusal(offset, Width.U32, true);
        }
        try {
            switch (route & PATH_MASK) {
                case PLAIN -> U32.set(segment, offset, value);
                case OPAQUE -> U32.setOpaque(segment, offset, value);
                case ACQUIRE_RELEASE -> U32.setRelease(segment, offset, value);
                case VOLATILE -> U32.setVolatile(segment, offset, value);
                case BIG_ENDIAN_ROUTE | PLAIN -> U32.set(segment, offset, Integer.reverseBytes(value));
                case BIG_ENDIAN_ROUTE | OPAQUE -> U32.setOpaque(segment, offset, Integer.reverseBytes(value));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> U32.setRelease(segment, offset, Integer.reverseBytes(value));
                case BIG_ENDIAN_ROUTE | VOLATILE -> U32.setVolatile(segment, offset, Integer.reverseBytes(value));
                default -> mappedWrite(4, offset, (route & BIG_ENDIAN_ROUTE) != 0 ? Integer.reverseBytes(value) : value);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U32, true);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U32, true);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U32, true);
        }
    }

    @Override
    public void write64(long offset, long value) {
        int route = writeRoute;
        if ((route & (8 << 8)) == 0) {
            throw refusal(offset, Width.U64, true);
        }
        try {
            switch (route & PATH_MASK) {
                case PLAIN -> U64.set(segment, offset, value);
                case OPAQUE -> U64.setOpaque(segment, offset, value);
                case ACQUIRE_RELEASE -> U64.setRelease(segment, offset, value);
                case VOLATILE -> U64.setVolatile(segment, offset, value);
                case BIG_ENDIAN_ROUTE | PLAIN -> U64.set(segment, offset, Long.reverseBytes(value));
                case BIG_ENDIAN_ROUTE | OPAQUE -> U64.setOpaque(segment, offset, Long.reverseBytes(value));
                case BIG_ENDIAN_ROUTE | ACQUIRE_RELEASE -> U64.setRelease(segment, offset, Long.reverseBytes(value));
                case BIG_ENDIAN_ROUTE | VOLATILE -> U64.setVolatile(segment, offset, Long.reverseBytes(value));
                default -> mappedWrite(8, offset, (route & BIG_ENDIAN_ROUTE) != 0 ? Long.reverseBytes(value) : value);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U64, true);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U64, true);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U64, true);
        }
    }

    // ---- atomics: sequentially consistent, 32 and 64 bits ------------------------------------------
    //
    // Each is one VarHandle atomic on little-endian bits. Big-endian views swap the operands and the
    // result: equality and bitwise operations commute with a byte swap. Addition does not, so
    // getAndAdd uses a big-endian handle instead.

    private void checkAtomic(long offset, Width width) {
        if (refuses(width.bytes(), writeWidths)) {
            throw refusal(offset, width, true);
        }
    }

    private int swap(int v) {
        return bigEndian ? Integer.reverseBytes(v) : v;
    }

    private long swap(long v) {
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    private int atomic32(int op, long offset, int value, int expected) {
        checkAtomic(offset, Width.U32);
        try {
            if (mapped) {
                touchMapped(offset);
                return (int) MappedAccess.access(op, segment, offset, value, expected);
            }
            return switch (op) {
                case MappedAccess.CAS32 -> U32.compareAndSet(segment, offset, expected, value) ? 1 : 0;
                case MappedAccess.CAE32 -> (int) U32.compareAndExchange(segment, offset, expected, value);
                case MappedAccess.ADD32 -> (int) U32.getAndAdd(segment, offset, value);
                case MappedAccess.ADD32_BE -> (int) U32_BE.getAndAdd(segment, offset, value);
                case MappedAccess.SET32 -> (int) U32.getAndSet(segment, offset, value);
                case MappedAccess.OR32 -> (int) U32.getAndBitwiseOr(segment, offset, value);
                case MappedAccess.AND32 -> (int) U32.getAndBitwiseAnd(segment, offset, value);
                default -> throw new AssertionError("no 32-bit atomic " + op);
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U32, true);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U32, true);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U32, true);
        }
    }

    private long atomic64(int op, long offset, long value, long expected) {
        checkAtomic(offset, Width.U64);
        try {
            if (mapped) {
                touchMapped(offset);
                return MappedAccess.access(op, segment, offset, value, expected);
            }
            return switch (op) {
                case MappedAccess.CAS64 -> U64.compareAndSet(segment, offset, expected, value) ? 1 : 0;
                case MappedAccess.CAE64 -> (long) U64.compareAndExchange(segment, offset, expected, value);
                case MappedAccess.ADD64 -> (long) U64.getAndAdd(segment, offset, value);
                case MappedAccess.ADD64_BE -> (long) U64_BE.getAndAdd(segment, offset, value);
                case MappedAccess.SET64 -> (long) U64.getAndSet(segment, offset, value);
                case MappedAccess.OR64 -> (long) U64.getAndBitwiseOr(segment, offset, value);
                case MappedAccess.AND64 -> (long) U64.getAndBitwiseAnd(segment, offset, value);
                default -> throw new AssertionError("no 64-bit atomic " + op);
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(e, offset, Width.U64, true);
        } catch (IllegalStateException e) {
            throw lost(e, offset, Width.U64, true);
        } catch (InternalError e) {
            throw fault(e, offset, Width.U64, true);
        }
    }

    @Override
    public boolean compareAndSet32(long offset, int expected, int value) {
        return atomic32(MappedAccess.CAS32, offset, swap(value), swap(expected)) != 0;
    }

    @Override
    public boolean compareAndSet64(long offset, long expected, long value) {
        return atomic64(MappedAccess.CAS64, offset, swap(value), swap(expected)) != 0;
    }

    @Override
    public int compareAndExchange32(long offset, int expected, int value) {
        return swap(atomic32(MappedAccess.CAE32, offset, swap(value), swap(expected)));
    }

    @Override
    public long compareAndExchange64(long offset, long expected, long value) {
        return swap(atomic64(MappedAccess.CAE64, offset, swap(value), swap(expected)));
    }

    @Override
    public int getAndAdd32(long offset, int delta) {
        return bigEndian ? atomic32(MappedAccess.ADD32_BE, offset, delta, 0) : atomic32(MappedAccess.ADD32, offset, delta, 0);
    }

    @Override
    public long getAndAdd64(long offset, long delta) {
        return bigEndian ? atomic64(MappedAccess.ADD64_BE, offset, delta, 0) : atomic64(MappedAccess.ADD64, offset, delta, 0);
    }

    @Override
    public int getAndSet32(long offset, int value) {
        return swap(atomic32(MappedAccess.SET32, offset, swap(value), 0));
    }

    @Override
    public long getAndSet64(long offset, long value) {
        return swap(atomic64(MappedAccess.SET64, offset, swap(value), 0));
    }

    @Override
    public int getAndBitwiseOr32(long offset, int bits) {
        return swap(atomic32(MappedAccess.OR32, offset, swap(bits), 0));
    }

    @Override
    public long getAndBitwiseOr64(long offset, long bits) {
        return swap(atomic64(MappedAccess.OR64, offset, swap(bits), 0));
    }

    @Override
    public int getAndBitwiseAnd32(long offset, int bits) {
        return swap(atomic32(MappedAccess.AND32, offset, swap(bits), 0));
    }

    @Override
    public long getAndBitwiseAnd64(long offset, long bits) {
        return swap(atomic64(MappedAccess.AND64, offset, swap(bits), 0));
    }

    @Override
    public String toString() {
        return "SysMem[" + name + ", " + size + " bytes at 0x" + Long.toHexString(address) + ", " + mode + ", "
                + order() + ", " + widths() + (isReadOnly() ? ", read-only" : "") + "]";
    }
}
