package dev.sysmem.sim.cli;

import dev.sysmem.cli.DurationConverter;
import dev.sysmem.io.Width;
import dev.sysmem.sim.remote.ChaosKind;
import dev.sysmem.sim.remote.DeviceKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;

/** {@code run chaos}'s own options, mapped to {@link ChaosKind.Options}; the checks are the options object's. */
final class ChaosOptions implements KindOptions {

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the writes (default: from the clock; the summary shows it).")
    Long seed;

    @Option(names = "--widths", paramLabel = "W", split = ",", converter = WidthConverter.class,
            description = "Widths to write with, e.g. 32,64 (default: 8,16,32,64).")
    Width[] widths;

    @Option(names = "--offsets", paramLabel = "FROM:TO", converter = RangeConverter.class,
            description = "Write only in [FROM, TO) of the region, e.g. 0x100:0x200 (default: the whole region).")
    ChaosKind.OffsetRange offsets;

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
    public DeviceKind kind() {
        ChaosKind.Options.Builder options = ChaosKind.Options.builder().stuckBits(stuckOnes, stuckZeros)
                .delay(delay, jitter);
        if (seed != null) {
            options.seed(seed);
        }
        if (widths != null) {
            options.widths(widths);
        }
        if (offsets != null) {
            options.offsets(offsets.from(), offsets.to());
        }
        if (tearing != null) {
            options.tearing(tearing);
        }
        if (writeLimit != null) {
            options.writeLimit(writeLimit);
        }
        if (removeAfter != null) {
            options.removeAfter(removeAfter);
        }
        return new ChaosKind(options.build());
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

    /** {@code FROM:TO}, each in decimal or {@code 0x} hexadecimal. */
    static final class RangeConverter implements ITypeConverter<ChaosKind.OffsetRange> {
        @Override
        public ChaosKind.OffsetRange convert(String text) {
            String[] ends = text.split(":", -1);
            if (ends.length != 2) {
                throw new TypeConversionException("'" + text + "' is not a range FROM:TO such as 0x100:0x200");
            }
            try {
                return new ChaosKind.OffsetRange(MaskConverter.parse(ends[0]), MaskConverter.parse(ends[1]));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + text + "': " + e.getMessage());
            }
        }
    }

    /** A 64-bit value in decimal or {@code 0x} hexadecimal, all 64 bits usable. */
    static final class MaskConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        static long parse(String text) {
            String s = text.strip().toLowerCase(Locale.ROOT);
            try {
                return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number (decimal or 0x hexadecimal)");
            }
        }
    }
}
