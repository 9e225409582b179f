package dev.sysmem.sim.remote;

import dev.sysmem.io.Width;
import dev.sysmem.sim.chaos.ChaosDevice;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;

/**
 * The {@code chaos} kind: a {@link ChaosDevice} writing random values into the region, with the
 * chaos options of its builder (seed, widths, offsets, stuck bits, delay and jitter, tearing, write
 * limit, removal). Offsets are relative to the region. Ready at once. A removal closes the device's
 * own mapping and ends the device, so a host reports it REMOVED and remote drivers take it for
 * gone.
 */
public final class ChaosKind implements DeviceKind {

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the writes (default: from the clock; the summary shows it).")
    Long seed;

    @Option(names = "--widths", paramLabel = "W", split = ",", converter = WidthConverter.class,
            description = "Widths to write with, e.g. 32,64 (default: 8,16,32,64).")
    Width[] widths;

    @Option(names = "--offsets", paramLabel = "FROM:TO", description = "Write only in [FROM, TO) of the region, "
            + "e.g. 0x100:0x200 (default: the whole region).")
    String offsets;

    @Option(names = "--stuck-ones", paramLabel = "MASK", defaultValue = "0", converter = MaskConverter.class,
            description = "Bits stuck at 1 in every aligned 8-byte word, e.g. 0x1.")
    long stuckOnes;

    @Option(names = "--stuck-zeros", paramLabel = "MASK", defaultValue = "0", converter = MaskConverter.class,
            description = "Bits stuck at 0 in every aligned 8-byte word, e.g. 0x8000000000000000.")
    long stuckZeros;

    @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Wait this long before each write, e.g. 10us.")
    Duration delay;

    @Option(names = "--jitter", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Wait a uniform random part of this too before each write.")
    Duration jitter;

    @Option(names = "--tearing", paramLabel = "GAP", converter = DurationConverter.class,
            description = "Tear every 64-bit write into two 32-bit halves, GAP apart.")
    Duration tearing;

    @Option(names = "--write-limit", paramLabel = "N", description = "Stop writing after N writes (then idle).")
    Long writeLimit;

    @Option(names = "--remove-after", paramLabel = "N", description = "Surprise removal after N writes: the device "
            + "closes its memory and ends.")
    Long removeAfter;

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

    @Override
    public Model build(Setup setup) {
        ChaosDevice.Builder builder = ChaosDevice.builder(setup.deviceName(), setup.memory())
                .stuckBits(stuckOnes, stuckZeros).delay(delay, jitter);
        long from = 0;
        long to = setup.regionSize();
        if (offsets != null) {
            String[] range = offsets.split(":", -1);
            if (range.length != 2) {
                throw new IllegalArgumentException("--offsets must be FROM:TO, was '" + offsets + "'");
            }
            from = MaskConverter.parse(range[0], "--offsets FROM");
            to = MaskConverter.parse(range[1], "--offsets TO");
            if (from < 0 || to > setup.regionSize() || from >= to) {
                throw new IllegalArgumentException("--offsets " + offsets + " is not a range inside the "
                        + setup.regionSize() + "-byte region");
            }
        }
        builder.offsets(setup.regionOffset() + from, setup.regionOffset() + to);
        if (seed != null) {
            builder.seed(seed);
        }
        if (widths != null) {
            builder.widths(widths);
        }
        if (tearing != null) {
            builder.tearing(tearing);
        }
        if (writeLimit != null) {
            builder.writeLimit(writeLimit);
        }
        if (removeAfter != null) {
            builder.removeAfter(removeAfter);
        }
        setup.trace().ifPresent(builder::trace);
        ChaosDevice device = builder.build();
        return new Model(device, () -> true,
                () -> device.writes() + " writes, seed " + device.seed() + (device.isRemoved() ? ", removed" : ""));
    }

    /** {@code 8}, {@code 16}, {@code 32}, {@code 64}, or the width names {@code u8} ... {@code u64}. */
    static final class WidthConverter implements ITypeConverter<Width> {
        @Override
        public Width convert(String text) {
            String bits = text.strip().toLowerCase(Locale.ROOT).replaceFirst("^u", "");
            return switch (bits) {
                case "8" -> Width.U8;
                case "16" -> Width.U16;
                case "32" -> Width.U32;
                case "64" -> Width.U64;
                default -> throw new TypeConversionException("'" + text + "' is not a width: use 8, 16, 32 or 64");
            };
        }
    }

    /** A 64-bit value in decimal or {@code 0x} hexadecimal, all 64 bits usable. */
    static final class MaskConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                return parse(text, "value");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        static long parse(String text, String what) {
            String s = text.strip().toLowerCase(Locale.ROOT);
            try {
                return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " '" + text + "' is not a number (decimal or 0x hexadecimal)");
            }
        }
    }
}
