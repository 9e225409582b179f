package dev.sysmem.sim.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a positive duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601 such as {@code PT1M30S}. */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        String s = text.strip();
        Duration duration;
        Matcher m = SHORT.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                duration = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                duration = Duration.parse(s);
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a duration: use e.g. 250ms, 30s, 5m, 2h or PT1M30S");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new TypeConversionException("'" + text + "': the duration must be positive");
        }
        return duration;
    }
}
