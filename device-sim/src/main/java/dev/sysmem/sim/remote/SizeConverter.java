package dev.sysmem.sim.remote;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * A picocli converter for sizes in bytes, for the command line and for kinds' options: {@code 8192},
 * or with a binary suffix {@code 8K}, {@code 1M}, {@code 2G}. Refuses zero, negative and
 * overflowing sizes, naming the text.
 */
public final class SizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                default -> shift = -1;
            }
        }
        String digits = shift > 0 ? s.substring(0, s.length() - 1) : s;
        try {
            long value = Long.parseLong(digits);
            if (value <= 0 || value > Long.MAX_VALUE >> Math.max(shift, 0)) {
                throw new TypeConversionException("'" + text + "' is not a positive size that fits 63 bits");
            }
            return value << Math.max(shift, 0);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a size: use bytes, or a number with K, M or G");
        }
    }
}
