package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The backend of a broken view: performs every access an intercepted {@code SysMem} hands it on
 * real memory, correctly except for the one {@link Breakage} it was made with. The view has
 * already made its own checks (bounds, alignment, width, writability), so a control or a mutation
 * run goes through exactly the path a real access takes, up to the memory access itself.
 *
 * <p><b>Guarantees.</b> With a breakage that does not concern an access, that access is what
 * {@code SysMem} itself would do: one {@code VarHandle} access of the access's width in its mode
 * (values little-endian, as a handler sees them), and the 32/64-bit atomics sequentially
 * consistent. {@link Breakage#HOISTABLE_READ} is the exception: its memory is a Java
 * {@code long[]} read and written with plain array accesses in every mode, narrower widths as
 * shifts and masks of the word that holds them, so that the JIT may keep a read in a register as
 * it would a plain field; its atomics are made atomic with a lock. {@link Breakage#STALE_COPY}
 * keeps a second, stale copy of the memory (zeroed, on the Java-managed native heap) and makes
 * every write and atomic under one lock, as two stores: the location's current value into the stale
 * copy, then the new value into the location. After any completed write, the stale copy holds a
 * value the location really had; reads take no lock and pick the location or the stale copy at
 * random, so they never see a value nobody wrote, only an old one.
 */
public final class BrokenAccess implements AccessHandler {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final Breakage breakage;
    private final MemorySegment memory;
    private final long[] heap;
    /** {@link Breakage#STALE_COPY}: each location's value before its last write; null otherwise. */
    private final MemorySegment stale;
    private final Object writeLock = new Object();

    private BrokenAccess(Breakage breakage, MemorySegment memory, long[] heap) {
        this.breakage = breakage;
        this.memory = memory;
        this.heap = heap;
        this.stale = breakage == Breakage.STALE_COPY ? Arena.ofAuto().allocate(memory.byteSize(), Long.BYTES) : null;
    }

    /**
     * Accesses to {@code memory} broken by {@code breakage}.
     *
     * @throws IllegalArgumentException for {@link Breakage#HOISTABLE_READ}, whose memory is on the heap
     */
    public static BrokenAccess over(MemorySegment memory, Breakage breakage) {
        Objects.requireNonNull(memory, "memory");
        if (Objects.requireNonNull(breakage, "breakage") == Breakage.HOISTABLE_READ) {
            throw new IllegalArgumentException(breakage + " keeps its memory on the Java heap; use BrokenAccess.onHeap");
        }
        return new BrokenAccess(breakage, memory, null);
    }

    /** {@link Breakage#HOISTABLE_READ}: {@code size} bytes (a multiple of 8) in a Java {@code long[]}. */
    public static BrokenAccess onHeap(long size) {
        if (size <= 0 || size % Long.BYTES != 0 || size / Long.BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("heap memory size must be a positive multiple of 8 that fits a long[], was " + size);
        }
        return new BrokenAccess(Breakage.HOISTABLE_READ, null, new long[(int) (size / Long.BYTES)]);
    }

    /** The breakage this backend applies. */
    public Breakage breakage() {
        return breakage;
    }

    @Override
    public long read(String region, long offset, long address, Width width, AccessMode mode) {
        if (heap != null) {
            return heapRead(address, width);
        }
        if (stale != null && ThreadLocalRandom.current().nextBoolean()) {
            return load(stale, address, width, mode);
        }
        return load(address, width, effective(mode));
    }

    @Override
    public void write(String region, long offset, long address, Width width, AccessMode mode, long value) {
        if (heap != null) {
            heapWrite(address, width, value);
            return;
        }
        AccessMode m = effective(mode);
        if (stale != null) {
            synchronized (writeLock) {
                store(stale, address, width, m, load(address, width, m));
                store(address, width, m, value);
            }
            return;
        }
        if (breakage == Breakage.SPLIT_WRITE && width != Width.U8) {
            Width half = Width.ofBytes(width.bytes() / 2);
            int halfBits = half.bits();
            store(address, half, m, value & half.mask());
            store(address + half.bytes(), half, m, (value >>> halfBits) & half.mask());
            return;
        }
        store(address, width, m, value);
    }

    @Override
    public long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand) {
        if (heap != null) {
            synchronized (heap) {
                long found = heapRead(address, width);
                heapWrite(address, width, next(op, found, expected, operand) & width.mask());
                return found;
            }
        }
        if (stale != null) {
            synchronized (writeLock) {
                long found = load(address, width, AccessMode.VOLATILE);
                store(stale, address, width, AccessMode.VOLATILE, found);
                store(address, width, AccessMode.VOLATILE, next(op, found, expected, operand) & width.mask());
                return found;
            }
        }
        if (breakage == Breakage.ATOMICS_AS_ACQUIRE_RELEASE) {
            long found = load(address, width, AccessMode.ACQUIRE_RELEASE);
            long value = next(op, found, expected, operand);
            if (value != found || op != AtomicOp.COMPARE_AND_SET && op != AtomicOp.COMPARE_AND_EXCHANGE) {
                store(address, width, AccessMode.ACQUIRE_RELEASE, value & width.mask());
            }
            return found;
        }
        return width == Width.U64 ? atomic64(address, op, expected, operand)
                : Integer.toUnsignedLong(atomic32(address, op, (int) expected, (int) operand));
    }

    /** The value an atomic operation leaves, given what it found. */
    private static long next(AtomicOp op, long found, long expected, long operand) {
        return switch (op) {
            case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> found == expected ? operand : found;
            case GET_AND_ADD -> found + operand;
            case GET_AND_SET -> operand;
            case GET_AND_BITWISE_OR -> found | operand;
            case GET_AND_BITWISE_AND -> found & operand;
        };
    }

    private long atomic64(long at, AtomicOp op, long expected, long operand) {
        return switch (op) {
            case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> (long) U64.compareAndExchange(memory, at, expected, operand);
            case GET_AND_ADD -> (long) U64.getAndAdd(memory, at, operand);
            case GET_AND_SET -> (long) U64.getAndSet(memory, at, operand);
            case GET_AND_BITWISE_OR -> (long) U64.getAndBitwiseOr(memory, at, operand);
            case GET_AND_BITWISE_AND -> (long) U64.getAndBitwiseAnd(memory, at, operand);
        };
    }

    private int atomic32(long at, AtomicOp op, int expected, int operand) {
        return switch (op) {
            case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> (int) U32.compareAndExchange(memory, at, expected, operand);
            case GET_AND_ADD -> (int) U32.getAndAdd(memory, at, operand);
            case GET_AND_SET -> (int) U32.getAndSet(memory, at, operand);
            case GET_AND_BITWISE_OR -> (int) U32.getAndBitwiseOr(memory, at, operand);
            case GET_AND_BITWISE_AND -> (int) U32.getAndBitwiseAnd(memory, at, operand);
        };
    }

    /** The mode an access of {@code mode} is really made in. */
    private AccessMode effective(AccessMode mode) {
        return switch (breakage) {
            case OPAQUE_AS_PLAIN -> mode == AccessMode.OPAQUE ? AccessMode.PLAIN : mode;
            case ACQUIRE_RELEASE_AS_PLAIN -> mode == AccessMode.ACQUIRE_RELEASE ? AccessMode.PLAIN : mode;
            case VOLATILE_AS_ACQUIRE_RELEASE -> mode == AccessMode.VOLATILE ? AccessMode.ACQUIRE_RELEASE : mode;
            case SPLIT_WRITE, ATOMICS_AS_ACQUIRE_RELEASE, HOISTABLE_READ, STALE_COPY -> mode;
        };
    }

    private long load(long at, Width width, AccessMode mode) {
        return load(memory, at, width, mode);
    }

    private void store(long at, Width width, AccessMode mode, long value) {
        store(memory, at, width, mode, value);
    }

    private static long load(MemorySegment memory, long at, Width width, AccessMode mode) {
        return switch (width) {
            case U8 -> Byte.toUnsignedLong(switch (mode) {
                case PLAIN -> (byte) U8.get(memory, at);
                case OPAQUE -> (byte) U8.getOpaque(memory, at);
                case ACQUIRE_RELEASE -> (byte) U8.getAcquire(memory, at);
                case VOLATILE -> (byte) U8.getVolatile(memory, at);
            });
            case U16 -> Short.toUnsignedLong(switch (mode) {
                case PLAIN -> (short) U16.get(memory, at);
                case OPAQUE -> (short) U16.getOpaque(memory, at);
                case ACQUIRE_RELEASE -> (short) U16.getAcquire(memory, at);
                case VOLATILE -> (short) U16.getVolatile(memory, at);
            });
            case U32 -> Integer.toUnsignedLong(switch (mode) {
                case PLAIN -> (int) U32.get(memory, at);
                case OPAQUE -> (int) U32.getOpaque(memory, at);
                case ACQUIRE_RELEASE -> (int) U32.getAcquire(memory, at);
                case VOLATILE -> (int) U32.getVolatile(memory, at);
            });
            case U64 -> switch (mode) {
                case PLAIN -> (long) U64.get(memory, at);
                case OPAQUE -> (long) U64.getOpaque(memory, at);
                case ACQUIRE_RELEASE -> (long) U64.getAcquire(memory, at);
                case VOLATILE -> (long) U64.getVolatile(memory, at);
            };
        };
    }

    private static void store(MemorySegment memory, long at, Width width, AccessMode mode, long value) {
        switch (width) {
            case U8 -> {
                byte v = (byte) value;
                switch (mode) {
                    case PLAIN -> U8.set(memory, at, v);
                    case OPAQUE -> U8.setOpaque(memory, at, v);
                    case ACQUIRE_RELEASE -> U8.setRelease(memory, at, v);
                    case VOLATILE -> U8.setVolatile(memory, at, v);
                }
            }
            case U16 -> {
                short v = (short) value;
                switch (mode) {
                    case PLAIN -> U16.set(memory, at, v);
                    case OPAQUE -> U16.setOpaque(memory, at, v);
                    case ACQUIRE_RELEASE -> U16.setRelease(memory, at, v);
                    case VOLATILE -> U16.setVolatile(memory, at, v);
                }
            }
            case U32 -> {
                int v = (int) value;
                switch (mode) {
                    case PLAIN -> U32.set(memory, at, v);
                    case OPAQUE -> U32.setOpaque(memory, at, v);
                    case ACQUIRE_RELEASE -> U32.setRelease(memory, at, v);
                    case VOLATILE -> U32.setVolatile(memory, at, v);
                }
            }
            case U64 -> {
                switch (mode) {
                    case PLAIN -> U64.set(memory, at, value);
                    case OPAQUE -> U64.setOpaque(memory, at, value);
                    case ACQUIRE_RELEASE -> U64.setRelease(memory, at, value);
                    case VOLATILE -> U64.setVolatile(memory, at, value);
                }
            }
        }
    }

    private long heapRead(long address, Width width) {
        long word = heap[(int) (address >>> 3)];
        return (word >>> (8 * (address & 7))) & width.mask();
    }

    private void heapWrite(long address, Width width, long value) {
        int index = (int) (address >>> 3);
        int shift = (int) (8 * (address & 7));
        long mask = width.mask() << shift;
        heap[index] = heap[index] & ~mask | (value << shift) & mask;
    }

    @Override
    public String toString() {
        return "BrokenAccess[" + breakage + "]";
    }
}
