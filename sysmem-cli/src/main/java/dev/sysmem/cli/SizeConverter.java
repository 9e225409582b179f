package dev.sysmem.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes for every command: {@code 4096}, or a number with a binary multiple {@code K},
 * {@code M}, {@code G} ({@code 4K}, {@code 64M}), optionally spelled {@code KiB}, {@code MiB},
 * {@code GiB} or {@code KB}, {@code MB}, {@code GB} (all powers of 1024, as memory sizes are), in
 * any case. Refuses zero, negative and overflowing sizes, naming the text; whether a size must be
 * a power of two is the command's to say.
 */
public final class SizeConverter implements ITypeConverter<Long> {

    /** Made by picocli for {@code converter = SizeConverter.class}. */
    public SizeConverter() {
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMG])(?:I?B)?|B)?");

    @Override
    public Long convert(String text) {
        Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a size: use bytes, or a number with K, M or G "
                    + "(e.g. 4096, 4K, 1MiB, 64M)");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
        try {
            long value = Long.parseLong(m.group(1));
            if (value <= 0 || value > Long.MAX_VALUE >> shift) {
                throw new TypeConversionException("'" + text + "' is not a positive size that fits 63 bits");
            }
            return value << shift;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a positive size that fits 63 bits");
        }
    }
}
