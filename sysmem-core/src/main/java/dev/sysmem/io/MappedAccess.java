package dev.sysmem.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Every access {@link SysMem} makes to memory mapped from a file, done so that a fault caused by a
 * peer truncating that file surfaces as an exception at the access that faulted, and never kills
 * the JVM.
 *
 * <p><b>Why this class exists</b> (all measured on JDK 25.0.3, x86-64; see
 * {@code SharedMemoryTruncationTest}):
 * <ol>
 *   <li>HotSpot turns a SIGBUS on a mapped page into an {@link InternalError}. In interpreted code
 *       the access itself throws it; in JIT-compiled code the fault is only recorded and the error
 *       thrown at the next safepoint poll, which, once the access is inlined into its caller, lies
 *       outside any {@code try} around the access: the bare {@code InternalError} escaped
 *       {@code SysMem}. A compiled method polls when it returns, and the error is then thrown at
 *       its call site. {@link #access} is therefore one method the JIT does not inline: its
 *       bytecode (about 800 bytes) is far above C2's limit for inlining hot methods
 *       ({@code FreqInlineSize}, 325 bytes) and C1's ({@code MaxInlineSize}, 35 bytes). Keep it
 *       one big method.</li>
 *   <li>Some primitives are not protected when they fault: the compare-and-set family
 *       ({@code Unsafe_CompareAndSetLong} is not guarded in the interpreter, and C2 code
 *       faulting inside a {@code lock cmpxchg} was not recovered either) and the 8- and 16-bit
 *       opaque, release and volatile stores (the signal handler cannot decode the {@code xchg}
 *       they fault on). A SIGBUS there kills the JVM. Before an atomic, {@code SysMem} calls
 *       {@link #access} once more with {@link #TOUCH}, a guarded load of the same page, so that a
 *       page already gone faults there, cleanly; a truncation during the atomic itself still
 *       reaches the JVM's bug (see {@link MemoryFault} for the measured rates).</li>
 *   <li>The 8/16-bit stores in the opaque, release and volatile modes are therefore made here as
 *       a plain store (a {@code mov}, which the handler decodes) with the fences the mode needs:
 *       {@code releaseFence} before it, and {@code fullFence} after it for volatile, the
 *       standard mapping of a release and a sequentially consistent store. Each access is its own
 *       call of a method the JIT does not inline, so no compiler can merge or drop such a store.</li>
 * </ol>
 *
 * <p>The cost is a call per access (two for atomics), paid only by views over mapped
 * files sysmem did not seal; anonymous memory and sealed memfds cannot fault this way and keep
 * the inlined path.
 */
final class MappedAccess {

    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32_BE = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).varHandle();
    private static final VarHandle U64_BE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).varHandle();

    /** A plain 8-bit read: the guarded load that makes a lost page fault before a risky primitive. */
    static final int TOUCH = 0;
    static final int CAS32 = 32;
    static final int CAS64 = 33;
    static final int CAE32 = 34;
    static final int CAE64 = 35;
    static final int ADD32 = 36;
    static final int ADD64 = 37;
    static final int ADD32_BE = 38;
    static final int ADD64_BE = 39;
    static final int SET32 = 40;
    static final int SET64 = 41;
    static final int OR32 = 42;
    static final int OR64 = 43;
    static final int AND32 = 44;
    static final int AND64 = 45;

    private MappedAccess() {
    }

    /**
     * The operation code of a read of {@code width} in {@code mode}: 0-15, {@code 4 * log2(bytes)}
     * plus the mode's column (plain, opaque, acquire, volatile), as the cases of {@link #access}
     * are laid out.
     */
    static int readCode(Width width, AccessMode mode) {
        return 4 * Integer.numberOfTrailingZeros(width.bytes()) + column(mode);
    }

    /** The operation code of a write of {@code width} in {@code mode}: 16-31, laid out as the reads. */
    static int writeCode(Width width, AccessMode mode) {
        return 16 + readCode(width, mode);
    }

    /** The column of {@code mode} in {@link #access}'s table; by name, never by declaration order. */
    private static int column(AccessMode mode) {
        return switch (mode) {
            case PLAIN -> 0;
            case OPAQUE -> 1;
            case ACQUIRE_RELEASE -> 2;
            case VOLATILE -> 3;
        };
    }

    /**
     * Performs operation {@code op} at {@code offset}, already checked, with little-endian handles
     * (big-endian views swap before and after, and add through {@code ADD32_BE}/{@code ADD64_BE}).
     * Reads return the bits read, zero-extended; compare-and-set returns 1 or 0; the other
     * atomics return the previous bits; writes return 0.
     *
     * @param value    the value written, added, combined or swapped in
     * @param expected the value compared with, for compare-and-set and compare-and-exchange
     */
    static long access(int op, MemorySegment s, long offset, long value, long expected) {
        switch (op) {
            case 0: return Byte.toUnsignedLong((byte) U8.get(s, offset));
            case 1: return Byte.toUnsignedLong((byte) U8.getOpaque(s, offset));
            case 2: return Byte.toUnsignedLong((byte) U8.getAcquire(s, offset));
            case 3: return Byte.toUnsignedLong((byte) U8.getVolatile(s, offset));
            case 4: return Short.toUnsignedLong((short) U16.get(s, offset));
            case 5: return Short.toUnsignedLong((short) U16.getOpaque(s, offset));
            case 6: return Short.toUnsignedLong((short) U16.getAcquire(s, offset));
            case 7: return Short.toUnsignedLong((short) U16.getVolatile(s, offset));
            case 8: return Integer.toUnsignedLong((int) U32.get(s, offset));
            case 9: return Integer.toUnsignedLong((int) U32.getOpaque(s, offset));
            case 10: return Integer.toUnsignedLong((int) U32.getAcquire(s, offset));
            case 11: return Integer.toUnsignedLong((int) U32.getVolatile(s, offset));
            case 12: return (long) U64.get(s, offset);
            case 13: return (long) U64.getOpaque(s, offset);
            case 14: return (long) U64.getAcquire(s, offset);
            case 15: return (long) U64.getVolatile(s, offset);
            case 16: U8.set(s, offset, (byte) value); return 0;
            // 8/16-bit ordered stores: fences around a plain store (see the class comment, item 3).
            case 17: VarHandle.releaseFence(); U8.set(s, offset, (byte) value); return 0;
            case 18: VarHandle.releaseFence(); U8.set(s, offset, (byte) value); return 0;
            case 19: VarHandle.releaseFence(); U8.set(s, offset, (byte) value); VarHandle.fullFence(); return 0;
            case 20: U16.set(s, offset, (short) value); return 0;
            case 21: VarHandle.releaseFence(); U16.set(s, offset, (short) value); return 0;
            case 22: VarHandle.releaseFence(); U16.set(s, offset, (short) value); return 0;
            case 23: VarHandle.releaseFence(); U16.set(s, offset, (short) value); VarHandle.fullFence(); return 0;
            case 24: U32.set(s, offset, (int) value); return 0;
            case 25: U32.setOpaque(s, offset, (int) value); return 0;
            case 26: U32.setRelease(s, offset, (int) value); return 0;
            case 27: U32.setVolatile(s, offset, (int) value); return 0;
            case 28: U64.set(s, offset, value); return 0;
            case 29: U64.setOpaque(s, offset, value); return 0;
            case 30: U64.setRelease(s, offset, value); return 0;
            case 31: U64.setVolatile(s, offset, value); return 0;
            case CAS32: return U32.compareAndSet(s, offset, (int) expected, (int) value) ? 1 : 0;
            case CAS64: return U64.compareAndSet(s, offset, expected, value) ? 1 : 0;
            case CAE32: return Integer.toUnsignedLong((int) U32.compareAndExchange(s, offset, (int) expected, (int) value));
            case CAE64: return (long) U64.compareAndExchange(s, offset, expected, value);
            case ADD32: return Integer.toUnsignedLong((int) U32.getAndAdd(s, offset, (int) value));
            case ADD64: return (long) U64.getAndAdd(s, offset, value);
            case ADD32_BE: return Integer.toUnsignedLong((int) U32_BE.getAndAdd(s, offset, (int) value));
            case ADD64_BE: return (long) U64_BE.getAndAdd(s, offset, value);
            case SET32: return Integer.toUnsignedLong((int) U32.getAndSet(s, offset, (int) value));
            case SET64: return (long) U64.getAndSet(s, offset, value);
            case OR32: return Integer.toUnsignedLong((int) U32.getAndBitwiseOr(s, offset, (int) value));
            case OR64: return (long) U64.getAndBitwiseOr(s, offset, value);
            case AND32: return Integer.toUnsignedLong((int) U32.getAndBitwiseAnd(s, offset, (int) value));
            case AND64: return (long) U64.getAndBitwiseAnd(s, offset, value);
            default: throw new AssertionError("no mapped access with code " + op);
        }
    }
}
