package dev.sysmem.sim.remote;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.Width;
import dev.sysmem.sim.chaos.ChaosDevice;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code chaos} kind: a {@link ChaosDevice} writing random values into the region, configured
 * by {@link Options} (seed, widths, offsets, stuck bits, delay and jitter, tearing, write limit,
 * removal). Offsets are relative to the region. Ready at once. A removal closes the device's own
 * mapping and ends the device, so a host reports it REMOVED (not STOPPED) and remote drivers take
 * it for gone.
 *
 * <pre>{@code
 * DeviceKind kind = new ChaosKind(ChaosKind.Options.builder().seed(7).widths(Width.U32).offsets(0x100, 0x200).build());
 * }</pre>
 */
public final class ChaosKind implements DeviceKind {

    /**
     * How a chaos device is configured; {@link #builder()} makes one. Checked when built, so a
     * bad value is refused before any memory is mapped; whether the offsets fit the region is
     * checked by {@link ChaosKind#build}, which knows the region.
     *
     * @param seed        the seed of the writes; empty: from the clock (the device reports it)
     * @param widths      the widths to write with, never empty
     * @param offsets     where in the region to write; empty: the whole region
     * @param stuckOnes   bits stuck at 1 in every aligned 8-byte word
     * @param stuckZeros  bits stuck at 0 in every aligned 8-byte word; none shared with {@code stuckOnes}
     * @param delay       the wait before each write
     * @param jitter      a uniform random part of this is waited too before each write
     * @param tearing     if present, every 64-bit write is torn into two 32-bit halves this far apart
     * @param writeLimit  if present, the device stops writing (and idles) after this many writes
     * @param removeAfter if present, a surprise removal after this many writes: the device closes its memory and ends
     */
    public record Options(OptionalLong seed, Set<Width> widths, Optional<OffsetRange> offsets, long stuckOnes,
                          long stuckZeros, Duration delay, Duration jitter, Optional<Duration> tearing,
                          OptionalLong writeLimit, OptionalLong removeAfter) {

        /** Random writes at every width over the whole region, as fast as they go, forever. */
        public static final Options DEFAULT = builder().build();

        public Options {
            Objects.requireNonNull(seed, "seed");
            Objects.requireNonNull(offsets, "offsets");
            Objects.requireNonNull(tearing, "tearing");
            Objects.requireNonNull(writeLimit, "writeLimit");
            Objects.requireNonNull(removeAfter, "removeAfter");
            if (widths.isEmpty()) {
                throw new IllegalArgumentException("chaos options need at least one width");
            }
            widths = Collections.unmodifiableSet(EnumSet.copyOf(widths));
            if ((stuckOnes & stuckZeros) != 0) {
                throw new IllegalArgumentException("chaos options: bits 0x" + Long.toHexString(stuckOnes & stuckZeros)
                        + " cannot be stuck at both 1 and 0");
            }
            requireNonNegative(delay, "delay");
            requireNonNegative(jitter, "jitter");
            tearing.ifPresent(gap -> requireNonNegative(gap, "tearing gap"));
            requireNonNegative(writeLimit, "write limit");
            requireNonNegative(removeAfter, "removal point");
        }

        /** A builder starting from the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        private static void requireNonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException("chaos options: " + what + " must not be negative, was " + d);
            }
        }

        private static void requireNonNegative(OptionalLong count, String what) {
            if (count.isPresent() && count.getAsLong() < 0) {
                throw new IllegalArgumentException("chaos options: " + what + " must not be negative, was "
                        + count.getAsLong());
            }
        }

        /** Builds {@link Options}; every setter replaces the default it names. */
        public static final class Builder {
            private OptionalLong seed = OptionalLong.empty();
            private Set<Width> widths = EnumSet.allOf(Width.class);
            private Optional<OffsetRange> offsets = Optional.empty();
            private long stuckOnes;
            private long stuckZeros;
            private Duration delay = Duration.ZERO;
            private Duration jitter = Duration.ZERO;
            private Optional<Duration> tearing = Optional.empty();
            private OptionalLong writeLimit = OptionalLong.empty();
            private OptionalLong removeAfter = OptionalLong.empty();

            private Builder() {
            }

            /** The seed of the writes (default: from the clock). */
            public Builder seed(long value) {
                this.seed = OptionalLong.of(value);
                return this;
            }

            /** The widths to write with (default: all four). */
            public Builder widths(Width... allowed) {
                this.widths = allowed.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(allowed));
                return this;
            }

            /** Writes only inside {@code [from, to)} of the region (default: the whole region). */
            public Builder offsets(long from, long to) {
                this.offsets = Optional.of(new OffsetRange(from, to));
                return this;
            }

            /** Bits stuck at 1 ({@code ones}) and at 0 ({@code zeros}) in every aligned 8-byte word. */
            public Builder stuckBits(long ones, long zeros) {
                this.stuckOnes = ones;
                this.stuckZeros = zeros;
                return this;
            }

            /** Waits {@code base} plus a uniform random part of {@code extra} before each write. */
            public Builder delay(Duration base, Duration extra) {
                this.delay = base;
                this.jitter = extra;
                return this;
            }

            /** Tears every 64-bit write into two 32-bit halves, {@code gap} apart. */
            public Builder tearing(Duration gap) {
                this.tearing = Optional.of(gap);
                return this;
            }

            /** Stops writing after {@code count} writes. */
            public Builder writeLimit(long count) {
                this.writeLimit = OptionalLong.of(count);
                return this;
            }

            /** Removes the region (closes its memory) after {@code count} writes. */
            public Builder removeAfter(long count) {
                this.removeAfter = OptionalLong.of(count);
                return this;
            }

            /**
             * The options.
             *
             * @throws IllegalArgumentException if no width is given, a bit is stuck both ways, or a
             *                                  duration or count is negative
             */
            public Options build() {
                return new Options(seed, widths, offsets, stuckOnes, stuckZeros, delay, jitter, tearing, writeLimit,
                        removeAfter);
            }
        }
    }

    /**
     * The offsets {@code [from, to)} of a region a chaos device writes in.
     *
     * @param from the first offset written, not negative
     * @param to   the end (exclusive), above {@code from}
     */
    public record OffsetRange(long from, long to) {
        public OffsetRange {
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("chaos offsets [0x" + Long.toHexString(from) + ", 0x"
                        + Long.toHexString(to) + ") are not a range: FROM must be at least 0 and below TO");
            }
        }

        @Override
        public String toString() {
            return "[0x" + Long.toHexString(from) + ", 0x" + Long.toHexString(to) + ")";
        }
    }

    private final Options options;

    /** A chaos device with {@link Options#DEFAULT}. */
    public ChaosKind() {
        this(Options.DEFAULT);
    }

    /** A chaos device configured by {@code options}. */
    public ChaosKind(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** How devices of this kind are configured. */
    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public String description() {
        return "random writes, stuck bits, tearing, surprise removal, for robustness tests (dev.sysmem.sim.chaos)";
    }

    @Override
    public long minRegionSize() {
        return Long.BYTES;
    }

    @Override
    public long defaultRegionSize() {
        return 4096;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also if the options' offsets do not lie inside the region, or
     *                                  if the setup has no {@link Setup#mapping() mapping}
     */
    @Override
    public Model build(Setup setup) {
        // Surprise removal closes the mapping, so the chaos device needs one: memory the race
        // explorer owns cannot be taken away that way.
        SharedMemory memory = setup.mapping().orElseThrow(() -> new IllegalArgumentException("device '"
                + setup.deviceName() + "': a chaos device needs shared memory it can close (surprise removal), "
                + "and memory '" + setup.memory().name() + "' is not one"));
        ChaosDevice.Builder builder = ChaosDevice.builder(setup.deviceName(), memory)
                .stuckBits(options.stuckOnes(), options.stuckZeros()).delay(options.delay(), options.jitter())
                .widths(options.widths().toArray(Width[]::new));
        OffsetRange range = options.offsets().orElse(new OffsetRange(0, setup.regionSize()));
        if (range.to() > setup.regionSize()) {
            throw new IllegalArgumentException("chaos offsets " + range + " are not inside the "
                    + setup.regionSize() + "-byte region");
        }
        builder.offsets(setup.regionOffset() + range.from(), setup.regionOffset() + range.to());
        options.seed().ifPresent(builder::seed);
        options.tearing().ifPresent(builder::tearing);
        options.writeLimit().ifPresent(builder::writeLimit);
        options.removeAfter().ifPresent(builder::removeAfter);
        setup.trace().ifPresent(builder::trace);
        ChaosDevice device = builder.build();
        return new Model(device, () -> true,
                () -> device.writes() + " writes, seed " + device.seed() + (device.isRemoved() ? ", removed" : ""));
    }
}
