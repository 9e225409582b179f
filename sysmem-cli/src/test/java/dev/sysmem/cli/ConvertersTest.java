package dev.sysmem.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one pair of converters every command uses. */
class ConvertersTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"4096, 4096", "4K, 4096", "4k, 4096", "1M, 1048576", "1MiB, 1048576", "1mib, 1048576",
            "1MB, 1048576", "64M, 67108864", "2G, 2147483648", "2GiB, 2147483648", "512B, 512", "8 K, 8192"})
    void sizes(String text, long bytes) {
        assertThat(new SizeConverter().convert(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(delimiter = '|', value = {
            "0           | '0' is not a positive size that fits 63 bits",
            "-4K         | '-4K' is not a size",
            "4Q          | '4Q' is not a size",
            "1.5M        | '1.5M' is not a size",
            "K           | 'K' is not a size",
            "9999999999G | '9999999999G' is not a positive size that fits 63 bits"})
    void badSizes(String text, String message) {
        assertThatThrownBy(() -> new SizeConverter().convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"0, PT0S", "500ns, PT0.0000005S", "1us, PT0.000001S", "10ms, PT0.01S", "2s, PT2S", "5m, PT5M",
            "2h, PT2H", "PT1M30S, PT1M30S", "pt2s, PT2S"})
    void durations(String text, String iso) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(delimiter = '|', value = {
            "soon   | 'soon' is not a duration",
            "10     | '10' is not a duration",
            "-1s    | '-1s' is not a duration",
            "PT-1S  | 'PT-1S': a duration must not be negative"})
    void badDurations(String text, String message) {
        assertThatThrownBy(() -> new DurationConverter().convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageStartingWith(message);
    }
}
