package dev.sysmem.sim;

import dev.sysmem.io.AccessCheck;
import dev.sysmem.io.Field;
import dev.sysmem.io.FieldAccess;
import dev.sysmem.io.Io;
import dev.sysmem.io.Register;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.Scheduling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;

/**
 * Device registers whose every access traps into the device model, as QEMU's
 * {@code MemoryRegionOps} do: the {@link Io} a driver uses for a register block with side effects
 * (write-1-to-clear, read-to-clear, write-only, a write that starts a computation).
 *
 * <p>An {@code Mmio} holds one value per {@link Register} of its map and decodes each access to a
 * register by offset and width. Without hooks, a register behaves as its {@link Field}s'
 * {@link FieldAccess} kinds say:
 * <table>
 *   <caption>Register semantics by field access kind</caption>
 *   <tr><th>kind</th><th>read returns</th><th>write</th></tr>
 *   <tr><td>RW</td><td>the value</td><td>stores the written bits</td></tr>
 *   <tr><td>RO</td><td>the value</td><td>ignored</td></tr>
 *   <tr><td>WO</td><td>0</td><td>stores the written bits</td></tr>
 *   <tr><td>W1C</td><td>the value</td><td>each 1 written clears that bit; 0 leaves it</td></tr>
 *   <tr><td>RC</td><td>the value, then clears it</td><td>ignored</td></tr>
 * </table>
 * A register without fields is read-write as a whole; bits of a register with fields that no
 * field covers are reserved: they keep their reset value, writes to them are ignored. A device
 * model adds behaviour with a {@link ReadHook} (what a read returns) and a {@link WriteHook} (what
 * the register holds after a write, and any side effect such as ringing the device thread's
 * {@link Doorbell} or raising an {@link InterruptLine}). The device thread reads and changes
 * register values with {@link #value}, {@link #set} and {@link #update}, which bypass access kinds
 * and hooks.
 *
 * <p><b>Decoding.</b> An access decodes to the register that starts at its offset if the register
 * accepts its width: the register's own width, plus narrower widths the builder allowed
 * ({@link Builder#accept}). A narrower access sees the register's low bits (the bytes at its
 * offset, little-endian): a read returns them, a write changes only them (unless a hook decides
 * otherwise) and an RC read clears only them. Every other access that passed the region checks
 * (an offset where no register starts, a width the register does not accept) goes to the
 * region's {@link UndecodedAccess} policy, which the device model chooses.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Before any handler runs, an access is checked as {@link Io} requires: inside the region,
 *       aligned to its width, of a width the region accepts ({@link Builder#widths}), and a value
 *       that fits; otherwise it throws the exception {@link AccessCheck} builds, naming region,
 *       offset, width and size, and nothing happens.</li>
 *   <li>Serialised, like QEMU's big lock: every access, hook and undecoded-access handler of one
 *       region runs holding {@link #lock()}, and so do {@link #value}, {@link #set} and
 *       {@link #update}. A device thread that takes the same lock for its own state changes (a
 *       factorial result and the status bit that says it is done) makes them atomic with respect
 *       to driver accesses. The lock is reentrant: a hook may call {@link #set}, raise an
 *       interrupt whose handler reads registers, or access the region again.</li>
 *   <li>Hooks must not wait for the device thread while holding the lock (the device thread may be
 *       waiting for the lock): ring a {@link Doorbell} instead.</li>
 *   <li>Accesses are totally ordered by the lock, so there is nothing weaker to offer:
 *       {@link #relaxed()} is this same view, as the kernel's {@code RelaxedMmio} differs from
 *       {@code Mmio} only in ordering against other memory.</li>
 *   <li>With a {@link AccessTrace}, every completed access is recorded with mode {@code MMIO}.</li>
 * </ul>
 *
 * <pre>{@code
 * static final Register CTRL = Register.of("CTRL", 0x00, Width.U32, Field.bit("START", 0));
 * static final Register STATUS = Register.of("STATUS", 0x04, Width.U32,
 *         Field.bit("DONE", 0, FieldAccess.W1C), Field.bit("BUSY", 1, FieldAccess.RO));
 *
 * Mmio regs = Mmio.builder("mydev-bar0", 0x1000)
 *         .register(CTRL).onWrite(CTRL, w -> { if ((w.written() & 1) != 0) work.ring(); return w.merged(); })
 *         .register(STATUS)
 *         .undecoded(UndecodedAccess.readsAs(0))
 *         .build();
 * regs.write32(0x00, 1);                            // the driver starts the device
 * regs.set(STATUS, 0b01);                           // the device thread reports DONE
 * regs.write32(0x04, 1);                            // the driver clears DONE (W1C)
 * }</pre>
 */
public final class Mmio implements Io {

    /** Decides what a read of a register returns. */
    @FunctionalInterface
    public interface ReadHook {
        /**
         * Called under the region's lock with the value the access kinds give (WO bits zero, RC bits
         * already cleared in the register); returns the value the driver sees (its low bits, for a
         * narrow access).
         */
        long onRead(long value);
    }

    /** Decides what a register holds after a write, and may act on it. */
    @FunctionalInterface
    public interface WriteHook {
        /**
         * Called under the region's lock; returns what the register holds afterwards (its low
         * register-width bits are kept). Return {@link RegisterWrite#merged()} for the access-kind
         * semantics, {@link RegisterWrite#before()} to ignore the write.
         */
        long onWrite(RegisterWrite write);
    }

    /**
     * One write to a register, as a {@link WriteHook} sees it.
     *
     * @param register the register written
     * @param width    the width of the access (the register's, or a narrower accepted one)
     * @param written  the value written, zero-extended
     * @param before   what the register held before
     * @param merged   what the access kinds make of it: what the register holds if the hook returns it
     */
    public record RegisterWrite(Register register, Width width, long written, long before, long merged) {
    }

    private static final String TRACE_MODE = "MMIO";

    private final String name;
    private final long size;
    private final Set<Width> widths;
    private final ReentrantLock lock;
    private final UndecodedAccess undecoded;
    private final AccessTrace trace;
    private final long[] offsets;
    private final Slot[] slots;

    private Mmio(Builder b, List<Slot> sorted) {
        this.name = b.name;
        this.size = b.size;
        this.widths = Collections.unmodifiableSet(EnumSet.copyOf(b.widths));
        this.lock = b.lock;
        this.undecoded = b.undecoded;
        this.trace = b.trace;
        this.slots = sorted.toArray(Slot[]::new);
        this.offsets = sorted.stream().mapToLong(s -> s.register.offset()).toArray();
    }

    /**
     * Starts a register region called {@code name} of {@code size} bytes (the BAR size: accesses
     * beyond it are out of bounds, accesses inside it that no register decodes are undecoded).
     */
    public static Builder builder(String name, long size) {
        return new Builder(name, size);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Set<Width> widths() {
        return widths;
    }

    /**
     * The lock every access, hook and device-side call of this region holds; the device thread
     * takes it to make its own multi-register state changes atomic with respect to the driver.
     */
    public ReentrantLock lock() {
        return lock;
    }

    /** This view: trapped accesses are already totally ordered (see the class comment). */
    public Mmio relaxed() {
        return this;
    }

    /** The register that starts at {@code offset}, if any. */
    public Optional<Register> registerAt(long offset) {
        int i = Arrays.binarySearch(offsets, offset);
        return i < 0 ? Optional.empty() : Optional.of(slots[i].register);
    }

    /** The widths at which {@code register} decodes. */
    public Set<Width> acceptedWidths(Register register) {
        return slot(register).widths;
    }

    @Override
    public long read(Width width, long offset) {
        AccessCheck.check(name, size, 0, offset, width, widths, false, false);
        long value;
        Scheduling.lock(lock);
        try {
            Slot slot = decode(width, offset);
            value = (slot == null ? undecoded.read(this, width, offset) : slot.read(width)) & width.mask();
            if (trace != null) {
                trace.record(name, TRACE_MODE, false, width, offset, value);
            }
        } finally {
            lock.unlock();
        }
        Scheduling.registerAccess(name, offset, width, false, value);
        return value;
    }

    @Override
    public void write(Width width, long offset, long value) {
        AccessCheck.checkValue(name, offset, width, value);
        AccessCheck.check(name, size, 0, offset, width, widths, true, false);
        long written = value & width.mask();
        Scheduling.lock(lock);
        try {
            Slot slot = decode(width, offset);
            if (slot == null) {
                undecoded.write(this, width, offset, written);
            } else {
                slot.write(width, written);
            }
            if (trace != null) {
                trace.record(name, TRACE_MODE, true, width, offset, written);
            }
        } finally {
            lock.unlock();
        }
        Scheduling.registerAccess(name, offset, width, true, written);
    }

    /** The raw value {@code register} holds, ignoring access kinds and hooks (for the device thread). */
    public long value(Register register) {
        Slot slot = slot(register);
        Scheduling.lock(lock);
        try {
            return slot.value;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the raw value of {@code register}, ignoring access kinds and hooks (for the device
     * thread: a status bit, a result).
     *
     * @throws IllegalArgumentException if {@code raw} does not fit the register's width
     */
    public void set(Register register, long raw) {
        Slot slot = slot(register);
        checkFits(register, raw);
        Scheduling.lock(lock);
        try {
            slot.value = raw;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Atomically (under the lock) replaces the raw value of {@code register} with
     * {@code change(value)}; returns the new value. Unlike {@link Io#update32}, no driver access
     * can come between the read and the write.
     */
    public long update(Register register, LongUnaryOperator change) {
        Slot slot = slot(register);
        Scheduling.lock(lock);
        try {
            long updated = change.applyAsLong(slot.value);
            checkFits(register, updated);
            slot.value = updated;
            return updated;
        } finally {
            lock.unlock();
        }
    }

    private static void checkFits(Register register, long raw) {
        if ((raw & ~register.width().mask()) != 0) {
            throw new IllegalArgumentException("register " + register.name() + ": value 0x" + Long.toHexString(raw)
                    + " does not fit in " + register.width().bits() + " bits");
        }
    }

    private Slot decode(Width width, long offset) {
        int i = Arrays.binarySearch(offsets, offset);
        if (i < 0) {
            return null;
        }
        Slot slot = slots[i];
        return slot.widths.contains(width) ? slot : null;
    }

    private Slot slot(Register register) {
        Objects.requireNonNull(register, "register");
        int i = Arrays.binarySearch(offsets, register.offset());
        if (i < 0 || slots[i].register.width() != register.width()) {
            throw new IllegalArgumentException("register " + register + " is not mapped in region '" + name + "'");
        }
        return slots[i];
    }

    @Override
    public String toString() {
        return "Mmio[" + name + ", " + size + " bytes, " + slots.length + " registers]";
    }

    /** One mapped register: its definition, its decoding, its semantics and its value. */
    private static final class Slot {
        final Register register;
        final Set<Width> widths;
        /** Bits a write stores directly: RW and WO fields, or every bit of a register without fields. */
        final long storeMask;
        final long w1cMask;
        final long woMask;
        final long rcMask;
        final ReadHook readHook;
        final WriteHook writeHook;
        /** Guarded by the region's lock. */
        long value;

        Slot(Register register, Set<Width> widths, ReadHook readHook, WriteHook writeHook) {
            this.register = register;
            this.widths = Collections.unmodifiableSet(EnumSet.copyOf(widths));
            this.readHook = readHook;
            this.writeHook = writeHook;
            this.value = register.resetValue().raw();
            long store = 0;
            long w1c = 0;
            long wo = 0;
            long rc = 0;
            if (register.fields().isEmpty()) {
                store = register.width().mask();
            }
            for (Field f : register.fields()) {
                switch (f.access()) {
                    case RW -> store |= f.mask();
                    case WO -> {
                        store |= f.mask();
                        wo |= f.mask();
                    }
                    case W1C -> w1c |= f.mask();
                    case RC -> rc |= f.mask();
                    case RO -> {
                    }
                }
            }
            this.storeMask = store;
            this.w1cMask = w1c;
            this.woMask = wo;
            this.rcMask = rc;
        }

        long read(Width width) {
            long stored = value;
            long seen = stored & ~woMask;
            value = stored & ~(rcMask & width.mask());
            return readHook == null ? seen : readHook.onRead(seen);
        }

        void write(Width width, long written) {
            long accessed = width.mask();
            long before = value;
            long direct = storeMask & accessed;
            long merged = ((before & ~direct) | (written & direct)) & ~(w1cMask & accessed & written);
            long after = writeHook == null ? merged
                    : writeHook.onWrite(new RegisterWrite(register, width, written, before, merged));
            value = after & register.width().mask();
        }
    }

    /**
     * Collects a register map and its policies; {@link #build()} checks it. Registers must be
     * absolute, lie inside the region and not overlap.
     */
    public static final class Builder {
        private final String name;
        private final long size;
        private Set<Width> widths = EnumSet.allOf(Width.class);
        private ReentrantLock lock = new ReentrantLock();
        private UndecodedAccess undecoded = UndecodedAccess.refuse();
        private AccessTrace trace;
        private final Map<Register, Spec> specs = new LinkedHashMap<>();

        private Builder(String name, long size) {
            this.name = Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a register region needs a name");
            }
            if (size <= 0) {
                throw new IllegalArgumentException("region '" + name + "': size must be positive, was " + size);
            }
            this.size = size;
        }

        /** The widths the region accepts at all (default: all four); others are refused before decoding. */
        public Builder widths(Width... accepted) {
            if (accepted.length == 0) {
                throw new IllegalArgumentException("region '" + name + "' must accept at least one width");
            }
            EnumSet<Width> set = EnumSet.noneOf(Width.class);
            for (Width w : accepted) {
                set.add(Objects.requireNonNull(w, "width"));
            }
            this.widths = set;
            return this;
        }

        /** Maps {@code register}, decoding at its own width; its reset value is its first value. */
        public Builder register(Register register) {
            Objects.requireNonNull(register, "register");
            if (specs.putIfAbsent(register, new Spec(register)) != null) {
                throw new IllegalArgumentException("region '" + name + "': register " + register.name() + " is mapped twice");
            }
            return this;
        }

        /** Maps each of {@code registers}. */
        public Builder registers(Register... registers) {
            for (Register r : registers) {
                register(r);
            }
            return this;
        }

        /** Lets {@code register} also decode accesses of the narrower {@code narrower} widths at its offset. */
        public Builder accept(Register register, Width... narrower) {
            Spec spec = spec(register);
            for (Width w : narrower) {
                if (w.bytes() > register.width().bytes()) {
                    throw new IllegalArgumentException("region '" + name + "': register " + register.name() + " is "
                            + register.width() + "; it cannot decode wider " + w + " accesses");
                }
                spec.widths.add(w);
            }
            return this;
        }

        /** Sets what reads of {@code register} return (replacing an earlier read hook). */
        public Builder onRead(Register register, ReadHook hook) {
            spec(register).readHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Sets what writes to {@code register} do (replacing an earlier write hook). */
        public Builder onWrite(Register register, WriteHook hook) {
            spec(register).writeHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** The policy for accesses no register decodes (default {@link UndecodedAccess#refuse()}). */
        public Builder undecoded(UndecodedAccess policy) {
            this.undecoded = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The lock to serialise on (default: a new one); give several regions of one device the
         * same lock to serialise them together.
         */
        public Builder lock(ReentrantLock sharedLock) {
            this.lock = Objects.requireNonNull(sharedLock, "lock");
            return this;
        }

        /** Records every access into {@code accessTrace}. */
        public Builder trace(AccessTrace accessTrace) {
            this.trace = Objects.requireNonNull(accessTrace, "trace");
            return this;
        }

        private Spec spec(Register register) {
            Spec spec = specs.get(Objects.requireNonNull(register, "register"));
            if (spec == null) {
                throw new IllegalArgumentException("region '" + name + "': register " + register.name()
                        + " is not mapped; call register(" + register.name() + ") first");
            }
            return spec;
        }

        /**
         * Checks the map and builds the region.
         *
         * @throws IllegalArgumentException naming the register that is relative, outside the
         *                                  region, overlapping another, or decoding at a width the
         *                                  region refuses
         */
        public Mmio build() {
            List<Slot> sorted = new ArrayList<>();
            for (Spec spec : specs.values()) {
                Register r = spec.register;
                if (r.isRelative()) {
                    throw new IllegalArgumentException("region '" + name + "': register " + r.name()
                            + " is relative; map absolute registers (one per instance)");
                }
                if (r.offset() > size - r.width().bytes()) {
                    throw new IllegalArgumentException("region '" + name + "': register " + r.name() + " at 0x"
                            + Long.toHexString(r.offset()) + " (" + r.width() + ") lies outside the region's "
                            + size + " bytes");
                }
                if (!widths.containsAll(spec.widths)) {
                    throw new IllegalArgumentException("region '" + name + "': register " + r.name() + " decodes "
                            + spec.widths + " accesses, but the region accepts only " + widths);
                }
                sorted.add(new Slot(r, spec.widths, spec.readHook, spec.writeHook));
            }
            sorted.sort(Comparator.comparingLong(s -> s.register.offset()));
            for (int i = 1; i < sorted.size(); i++) {
                Register previous = sorted.get(i - 1).register;
                Register next = sorted.get(i).register;
                if (previous.offset() + previous.width().bytes() > next.offset()) {
                    throw new IllegalArgumentException("region '" + name + "': register " + next.name() + " at 0x"
                            + Long.toHexString(next.offset()) + " overlaps register " + previous.name() + " at 0x"
                            + Long.toHexString(previous.offset()) + " (" + previous.width() + ")");
                }
            }
            return new Mmio(this, sorted);
        }

        private static final class Spec {
            final Register register;
            final EnumSet<Width> widths;
            ReadHook readHook;
            WriteHook writeHook;

            Spec(Register register) {
                this.register = register;
                this.widths = EnumSet.of(register.width());
            }
        }
    }
}
