package dev.sysmem.bench.access;

import dev.sysmem.io.AccessCheck;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * A copy of {@code SysMem}'s 32-bit access path with each of its parts removable, to measure
 * what each part costs: its own range/alignment test, the switch on the mode, the byte-order
 * branch. Not an API: it exists so the benchmarks can show where {@code SysMem}'s cost over a raw
 * {@code VarHandle} goes, and what a proposed change to sysmem-core would gain.
 *
 * <p>{@link #read32Lean}/{@link #write32Lean} are the proposal: no range or alignment test of its
 * own, because the {@code VarHandle} makes the same tests (bounds against the segment, alignment
 * of the absolute address, liveness) before touching memory; their exceptions are caught and
 * rethrown with sysmem's message, so faults still name region, offset and width. Width, mode,
 * byte order and the mapped-file flag come from one precomputed field, so one load and one
 * switch (which C2 reduces to the one case a call site has seen) replace four loads and tests.
 */
final class ProtoSysMem {

    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private static final int PLAIN = 0;
    private static final int OPAQUE = 1;
    private static final int ACQUIRE_RELEASE = 2;

    private final String name;
    private final MemorySegment segment;
    private final long size;
    private final long address;
    private final int modeCode;
    private final boolean bigEndian;
    private final int readWidths;
    private final int writeWidths;
    /** Whether the segment maps a file; SysMem then takes its non-inlined mapped-file path. */
    private final boolean mapped;
    /** Mode and byte order in one field: one load and one profiled switch instead of two tests. */
    private final int readRoute;
    private final int writeRoute;

    ProtoSysMem(String name, MemorySegment segment, AccessMode mode) {
        this.name = name;
        this.segment = segment;
        this.size = segment.byteSize();
        this.address = segment.address();
        this.modeCode = mode.ordinal();
        this.bigEndian = false;
        this.readWidths = 1 | 2 | 4 | 8;
        this.writeWidths = readWidths;
        this.mapped = segment.isMapped();
        this.readRoute = route(readWidths, mode, bigEndian, mapped);
        this.writeRoute = route(writeWidths, mode, bigEndian, mapped);
    }

    /** Bits 0-1: mode; bit 2: big-endian; bit 3: mapped file; bits 8-15: the allowed widths (bytes). */
    private static int route(int widths, AccessMode mode, boolean bigEndian, boolean mapped) {
        return widths << 8 | (mapped ? 8 : 0) | (bigEndian ? 4 : 0) | mode.ordinal();
    }

    /** Stands in for SysMem's mapped-file path, which these anonymous-memory benchmarks never take. */
    private static UnsupportedOperationException mappedPath() {
        return new UnsupportedOperationException("ProtoSysMem models anonymous memory only");
    }

    private boolean refuses(long offset, int bytes, int widths) {
        return offset < 0 || offset > size - bytes || ((address + offset) & (bytes - 1)) != 0 || (widths & bytes) == 0;
    }

    private RuntimeException refusal(long offset, Width width, boolean write) {
        AccessCheck.check(name, size, address, offset, width, Set.copyOf(EnumSet.allOf(Width.class)), write, false);
        throw new AssertionError("access check passed on the slow path: " + offset + " " + width);
    }

    /** As {@code SysMem.read32} today. */
    int read32Current(long offset) {
        if (refuses(offset, 4, readWidths)) {
            throw refusal(offset, Width.U32, false);
        }
        try {
            if (mapped) {
                throw mappedPath();
            }
            int v = switch (modeCode) {
                case PLAIN -> (int) U32.get(segment, offset);
                case OPAQUE -> (int) U32.getOpaque(segment, offset);
                case ACQUIRE_RELEASE -> (int) U32.getAcquire(segment, offset);
                default -> (int) U32.getVolatile(segment, offset);
            };
            return bigEndian ? Integer.reverseBytes(v) : v;
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Without the range/alignment test: the VarHandle's own test stands in for it. */
    int read32NoRangeTest(long offset) {
        if ((readWidths & 4) == 0) {
            throw refusal(offset, Width.U32, false);
        }
        try {
            if (mapped) {
                throw mappedPath();
            }
            int v = switch (modeCode) {
                case PLAIN -> (int) U32.get(segment, offset);
                case OPAQUE -> (int) U32.getOpaque(segment, offset);
                case ACQUIRE_RELEASE -> (int) U32.getAcquire(segment, offset);
                default -> (int) U32.getVolatile(segment, offset);
            };
            return bigEndian ? Integer.reverseBytes(v) : v;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(offset, Width.U32, false);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Without the mode switch (opaque only). */
    int read32NoModeSwitch(long offset) {
        if (refuses(offset, 4, readWidths)) {
            throw refusal(offset, Width.U32, false);
        }
        try {
            if (mapped) {
                throw mappedPath();
            }
            int v = (int) U32.getOpaque(segment, offset);
            return bigEndian ? Integer.reverseBytes(v) : v;
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Without the byte-order branch. */
    int read32NoOrderBranch(long offset) {
        if (refuses(offset, 4, readWidths)) {
            throw refusal(offset, Width.U32, false);
        }
        try {
            if (mapped) {
                throw mappedPath();
            }
            return switch (modeCode) {
                case PLAIN -> (int) U32.get(segment, offset);
                case OPAQUE -> (int) U32.getOpaque(segment, offset);
                case ACQUIRE_RELEASE -> (int) U32.getAcquire(segment, offset);
                default -> (int) U32.getVolatile(segment, offset);
            };
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /**
     * The proposal: no range or alignment test of its own (the VarHandle's stands in for it, and
     * its exceptions are translated on the slow path), and width, mode and byte order decided
     * from one field.
     */
    int read32Lean(long offset) {
        int route = readRoute;
        if ((route & (4 << 8)) == 0) {
            throw refusal(offset, Width.U32, false);
        }
        try {
            return switch (route & 15) {
                case PLAIN -> (int) U32.get(segment, offset);
                case OPAQUE -> (int) U32.getOpaque(segment, offset);
                case ACQUIRE_RELEASE -> (int) U32.getAcquire(segment, offset);
                case 3 -> (int) U32.getVolatile(segment, offset);
                case 4 | PLAIN -> Integer.reverseBytes((int) U32.get(segment, offset));
                case 4 | OPAQUE -> Integer.reverseBytes((int) U32.getOpaque(segment, offset));
                case 4 | ACQUIRE_RELEASE -> Integer.reverseBytes((int) U32.getAcquire(segment, offset));
                case 4 | 3 -> Integer.reverseBytes((int) U32.getVolatile(segment, offset));
                default -> throw mappedPath();
            };
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(offset, Width.U32, false);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** The proposal for writes; see {@link #read32Lean}. */
    void write32Lean(long offset, int value) {
        int route = writeRoute;
        if ((route & (4 << 8)) == 0) {
            throw refusal(offset, Width.U32, true);
        }
        try {
            switch (route & 15) {
                case PLAIN -> U32.set(segment, offset, value);
                case OPAQUE -> U32.setOpaque(segment, offset, value);
                case ACQUIRE_RELEASE -> U32.setRelease(segment, offset, value);
                case 3 -> U32.setVolatile(segment, offset, value);
                case 4 | PLAIN -> U32.set(segment, offset, Integer.reverseBytes(value));
                case 4 | OPAQUE -> U32.setOpaque(segment, offset, Integer.reverseBytes(value));
                case 4 | ACQUIRE_RELEASE -> U32.setRelease(segment, offset, Integer.reverseBytes(value));
                case 4 | 3 -> U32.setVolatile(segment, offset, Integer.reverseBytes(value));
                default -> throw mappedPath();
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(offset, Width.U32, true);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Only the VarHandle access, through this object's fields: the cost of the indirection alone. */
    int read32Bare(long offset) {
        return (int) U32.getOpaque(segment, offset);
    }

    /** As {@code SysMem.write32} today. */
    void write32Current(long offset, int value) {
        if (refuses(offset, 4, writeWidths)) {
            throw refusal(offset, Width.U32, true);
        }
        int v = bigEndian ? Integer.reverseBytes(value) : value;
        try {
            if (mapped) {
                throw mappedPath();
            }
            switch (modeCode) {
                case PLAIN -> U32.set(segment, offset, v);
                case OPAQUE -> U32.setOpaque(segment, offset, v);
                case ACQUIRE_RELEASE -> U32.setRelease(segment, offset, v);
                default -> U32.setVolatile(segment, offset, v);
            }
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Without the range/alignment test. */
    void write32NoRangeTest(long offset, int value) {
        if ((writeWidths & 4) == 0) {
            throw refusal(offset, Width.U32, true);
        }
        int v = bigEndian ? Integer.reverseBytes(value) : value;
        try {
            if (mapped) {
                throw mappedPath();
            }
            switch (modeCode) {
                case PLAIN -> U32.set(segment, offset, v);
                case OPAQUE -> U32.setOpaque(segment, offset, v);
                case ACQUIRE_RELEASE -> U32.setRelease(segment, offset, v);
                default -> U32.setVolatile(segment, offset, v);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw refusal(offset, Width.U32, true);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Without the mode switch (opaque only). */
    void write32NoModeSwitch(long offset, int value) {
        if (refuses(offset, 4, writeWidths)) {
            throw refusal(offset, Width.U32, true);
        }
        int v = bigEndian ? Integer.reverseBytes(value) : value;
        try {
            if (mapped) {
                throw mappedPath();
            }
            U32.setOpaque(segment, offset, v);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " closed", e);
        } catch (InternalError e) {
            throw new IllegalStateException(name + " fault", e);
        }
    }

    /** Only the VarHandle access, through this object's fields. */
    void write32Bare(long offset, int value) {
        U32.setOpaque(segment, offset, value);
    }
}
