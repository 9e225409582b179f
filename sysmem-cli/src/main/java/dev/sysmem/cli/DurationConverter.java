package dev.sysmem.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations for every command: {@code 0}, {@code 500ns}, {@code 1us}, {@code 10ms}, {@code 2s},
 * {@code 5m}, {@code 2h}, or ISO-8601 such as {@code PT1M30S} (in any case). Refuses negative durations; whether zero makes sense is the option's to say.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    /** Made by picocli for {@code converter = DurationConverter.class}. */
    public DurationConverter() {
    }

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ns|us|ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        String s = text.strip();
        Duration duration;
        Matcher m = SHORT.matcher(s);
        try {
            if (s.equals("0")) {
                duration = Duration.ZERO;
            } else if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                duration = switch (m.group(2)) {
                    case "ns" -> Duration.ofNanos(n);
                    case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000));
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                duration = Duration.parse(s);
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a duration: use e.g. 20us, 250ms, 30s, 5m, 2h or PT1M30S");
        }
        if (duration.isNegative()) {
            throw new TypeConversionException("'" + text + "': a duration must not be negative");
        }
        return duration;
    }
}
