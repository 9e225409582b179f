package dev.sysmem.sim.chaos;

import dev.sysmem.io.Io;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.Scheduling;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.Doorbell;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device that misbehaves on purpose, for robustness tests of driver code: it writes random
 * values, at random widths and offsets, into its region of shared memory while the driver reads
 * it, and can be told to have stuck bits, to pause with jitter between writes, to tear 64-bit
 * updates into two 32-bit halves with a gap between them, and to disappear (surprise removal).
 *
 * <p><b>Options</b> ({@link Builder}): a seed (the writes are a pure function of it and the other
 * options, see {@link ChaosPlan}); the widths to use; the range of offsets; stuck-at-one and
 * stuck-at-zero bit masks; a delay and a jitter before each write; tearing with a gap; a limit on
 * the number of writes (then the device idles until stopped or removed); and removal after a
 * number of writes, or on demand with {@link #remove()}.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Writes are aligned, of the allowed widths, and stay inside the offset range: bytes
 *       outside it are never touched.</li>
 *   <li>Stuck bits are stuck from the start: before its first write the device forces them in the
 *       whole range, and every write keeps them, so a reader sees them fixed at any moment.</li>
 *   <li>Without tearing, every write is a single access of its width (never torn, as
 *       {@link SysMem} promises); with tearing, a 64-bit write becomes the low 32 bits, the gap,
 *       then the high 32 bits, so a reader can see the new low half beside the old high half.</li>
 *   <li>Surprise removal closes the region's {@link SharedMemory}: every later access by the
 *       driver, through any view of that memory, throws the core's {@link IllegalStateException}
 *       naming the view's region; the JVM does not crash. The device then ends without failing
 *       and tells its runner it was removed, so {@link dev.sysmem.sim.DeviceRunner#health} reports
 *       {@code REMOVED}, not an ordinary end, to a driver waiting on it.
 *       Pauses and tearing gaps are cut short by a removal request or a stop.</li>
 *   <li>A delay or jitter of a few microseconds lasts about that long: the end of every pause is
 *       spun rather than parked, since a park cannot be shorter than the kernel's timer slack.</li>
 * </ul>
 *
 * <p><b>The driver's interrupt flag after a removal.</b> A driver thread that was waiting when
 * the shared arena was closed has been seen (in about one round in ten of a removal test, on
 * JDK 25) to come out with its interrupt flag set although nothing in sysmem interrupts it, so
 * its next {@code Thread.sleep} or other blocking call throws {@link InterruptedException}. A driver that handles a
 * removal should clear the flag ({@code Thread.interrupted()}) once it has dealt with the
 * removal, rather than take the exception for a request to stop.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.anonymous(4096)) {
 *     ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(42).widths(Width.U32, Width.U64)
 *             .stuckBits(0x1L, 0x8000_0000_0000_0000L).tearing(Duration.ofMillis(1)).removeAfter(10_000).build();
 *     try (DeviceRunner runner = new DeviceRunner().start(chaos)) {
 *         driverUnderTest.run(shm.io("bar"));      // must cope, and fail clearly once the region is gone
 *     }
 * }
 * }</pre>
 */
public final class ChaosDevice implements Device {

    /** How long an idle device (write limit reached) sleeps before it looks again. */
    private static final Duration IDLE_RECHECK = Duration.ofSeconds(1);

    private final String name;
    private final SharedMemory memory;
    private final SysMem region;
    private final long seed;
    private final List<Width> widths;
    private final long from;
    private final long to;
    private final long stuckOnes;
    private final long stuckZeros;
    private final long delayNanos;
    private final long jitterNanos;
    /** The gap of a torn 64-bit write, or -1 for no tearing. */
    private final long tearingNanos;
    private final long writeLimit;
    private final long removeAfter;
    private final AccessTrace trace;
    private final Doorbell control;
    private final AtomicBoolean removeRequested = new AtomicBoolean();
    private final AtomicBoolean removed = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();

    private ChaosDevice(Builder b) {
        this.name = b.name;
        this.memory = b.memory;
        this.region = memory.io(name);
        this.seed = b.seed;
        this.widths = List.copyOf(b.widths);
        this.from = b.from;
        this.to = b.to < 0 ? region.size() : b.to;
        this.stuckOnes = b.stuckOnes;
        this.stuckZeros = b.stuckZeros;
        this.delayNanos = b.delay.toNanos();
        this.jitterNanos = b.jitter.toNanos();
        this.tearingNanos = b.tearing == null ? -1 : b.tearing.toNanos();
        this.writeLimit = b.writeLimit;
        this.removeAfter = b.removeAfter;
        this.trace = b.trace;
        this.control = new Doorbell(name + "-control");
        if (from < 0 || from >= to || to > region.size()) {
            throw new IllegalArgumentException("chaos device '" + name + "': offset range [0x" + Long.toHexString(from)
                    + ", 0x" + Long.toHexString(to) + ") is empty or not inside its " + region.size() + "-byte region");
        }
        for (Width w : widths) {
            if (ChaosPlan.alignUp(from, w.bytes()) + w.bytes() > to) {
                throw new IllegalArgumentException("chaos device '" + name + "': offset range [0x" + Long.toHexString(from)
                        + ", 0x" + Long.toHexString(to) + ") holds no aligned " + w + " slot");
            }
        }
    }

    /** Starts a chaos device called {@code name} over all of {@code memory}, which it may close (removal). */
    public static Builder builder(String name, SharedMemory memory) {
        return new Builder(name, memory);
    }

    @Override
    public String name() {
        return name;
    }

    /** The device's region: all of its memory, named after the device. */
    public SysMem region() {
        return region;
    }

    /** The seed of this device's {@link ChaosPlan}. */
    public long seed() {
        return seed;
    }

    /** A fresh plan, from the first write: exactly the writes this device makes. */
    public ChaosPlan plan() {
        return new ChaosPlan(seed, widths, from, to, stuckOnes, stuckZeros, delayNanos, jitterNanos);
    }

    /** How many writes the device has completed (a torn write counts once, when both halves are written). */
    public long writes() {
        return writes.get();
    }

    /** Requests surprise removal: the device thread closes the memory at once, even in a pause or a tearing gap. */
    public void remove() {
        removeRequested.set(true);
        control.ring();
    }

    /** Whether the region has been removed (its memory closed). */
    public boolean isRemoved() {
        return removed.get();
    }

    @Override
    public void run(DeviceContext context) throws InterruptedException {
        Io io = trace == null ? region : trace.wrap(region);
        forceStuckBits();
        ChaosPlan plan = plan();
        while (!context.isStopping()) {
            long seen = control.count();
            if (removeRequested.get() || writes.get() == removeAfter) {
                removeNow();
                context.markRemoved();
                return;
            }
            if (writes.get() >= writeLimit) {
                context.awaitRing(control, seen, IDLE_RECHECK);
                continue;
            }
            ChaosWrite write = plan.next();
            if (!waitUndisturbed(context, seen, write.pauseNanos())) {
                continue;
            }
            if (tearingNanos >= 0 && write.width() == Width.U64) {
                io.write32(write.offset(), (int) write.value());
                if (!waitUndisturbed(context, seen, tearingNanos)) {
                    continue;                                     // stopped or removed mid-update: stays torn
                }
                io.write32(write.offset() + 4, (int) (write.value() >>> 32));
            } else {
                io.write(write.width(), write.offset(), write.value());
            }
            writes.incrementAndGet();
        }
    }

    /**
     * Waits {@code nanos}; false if a stop or removal request came first. The last
     * {@link #SPIN_BELOW} nanoseconds are spun, not parked: a park lasts at least the kernel's
     * timer slack (50 µs by default on Linux, often 100 µs in practice), so a parked
     * {@code --delay 1us} would be a 100 µs delay.
     */
    private boolean waitUndisturbed(DeviceContext context, long seen, long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return !removeRequested.get();
        }
        long deadline = Scheduling.nanoTime() + nanos;
        long remaining;
        while ((remaining = deadline - Scheduling.nanoTime()) > 0) {
            if (remaining <= SPIN_BELOW) {
                if (control.count() != seen || context.isStopping()) {
                    return false;
                }
                Scheduling.spinWait("chaos delay");
            } else if (context.awaitRing(control, seen, Duration.ofNanos(remaining - SPIN_BELOW)) != seen
                    || context.isStopping()) {
                return false;
            }
        }
        return !removeRequested.get() && !context.isStopping();
    }

    private void forceStuckBits() {
        if (stuckOnes == 0 && stuckZeros == 0) {
            return;
        }
        for (long offset = from; offset < to; offset++) {
            int b = region.read8(offset);
            region.write8(offset, (int) ChaosPlan.applyStuckBits(b, Width.U8, offset, stuckOnes, stuckZeros));
        }
    }

    /** Pauses shorter than this are spun: parking cannot end sooner than the timer slack. */
    static final long SPIN_BELOW = 200_000;

    private void removeNow() {
        memory.close();
        removed.set(true);
    }

    @Override
    public String toString() {
        return "ChaosDevice[" + name + ", seed " + seed + ", " + writes() + " writes" + (isRemoved() ? ", removed" : "") + "]";
    }

    /** Options of a {@link ChaosDevice}; the defaults are calm: every width, the whole region, no delays. */
    public static final class Builder {
        private final String name;
        private final SharedMemory memory;
        private long seed = System.nanoTime();
        private EnumSet<Width> widths = EnumSet.allOf(Width.class);
        private long from;
        private long to = -1;
        private long stuckOnes;
        private long stuckZeros;
        private Duration delay = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private Duration tearing;
        private long writeLimit = Long.MAX_VALUE;
        private long removeAfter = -1;
        private AccessTrace trace;

        private Builder(String name, SharedMemory memory) {
            this.name = Objects.requireNonNull(name, "name");
            this.memory = Objects.requireNonNull(memory, "memory");
        }

        /** The seed of the writes (default: from the clock; see {@link ChaosDevice#seed()} to report it). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** The widths to write with (default: all four). */
        public Builder widths(Width... allowed) {
            if (allowed.length == 0) {
                throw new IllegalArgumentException("chaos device '" + name + "' needs at least one width");
            }
            EnumSet<Width> set = EnumSet.noneOf(Width.class);
            for (Width w : allowed) {
                set.add(Objects.requireNonNull(w, "width"));
            }
            this.widths = set;
            return this;
        }

        /** Writes only inside {@code [fromOffset, toOffset)} (default: the whole region). */
        public Builder offsets(long fromOffset, long toOffset) {
            this.from = fromOffset;
            this.to = toOffset;
            return this;
        }

        /**
         * Stuck bits, by position in each aligned 8-byte word: bits set in {@code ones} are stuck at
         * 1, bits set in {@code zeros} stuck at 0.
         *
         * @throws IllegalArgumentException if a bit is in both masks
         */
        public Builder stuckBits(long ones, long zeros) {
            if ((ones & zeros) != 0) {
                throw new IllegalArgumentException("chaos device '" + name + "': bits 0x" + Long.toHexString(ones & zeros)
                        + " cannot be stuck at both 1 and 0");
            }
            this.stuckOnes = ones;
            this.stuckZeros = zeros;
            return this;
        }

        /** Waits {@code base} plus a uniform random part of {@code extra} before each write. */
        public Builder delay(Duration base, Duration extra) {
            this.delay = nonNegative(base, "delay");
            this.jitter = nonNegative(extra, "jitter");
            return this;
        }

        /** Tears every 64-bit write into its low and high 32-bit halves, {@code gap} apart. */
        public Builder tearing(Duration gap) {
            this.tearing = nonNegative(gap, "tearing gap");
            return this;
        }

        /** Stops writing after {@code count} writes (then idles until stopped or removed). */
        public Builder writeLimit(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("write limit must not be negative, was " + count);
            }
            this.writeLimit = count;
            return this;
        }

        /** Removes the region (closes its memory) after {@code count} writes. */
        public Builder removeAfter(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("removal point must not be negative, was " + count);
            }
            this.removeAfter = count;
            return this;
        }

        /** Records the device's writes into {@code accessTrace}. */
        public Builder trace(AccessTrace accessTrace) {
            this.trace = Objects.requireNonNull(accessTrace, "trace");
            return this;
        }

        /**
         * The device.
         *
         * @throws IllegalArgumentException if the offset range is empty, outside the region, or has
         *                                  no aligned slot for one of the widths
         */
        public ChaosDevice build() {
            return new ChaosDevice(this);
        }

        private Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("chaos device '" + name + "': " + what
                        + " must be between 0 and a day, was " + d);
            }
            return d;
        }
    }
}
