package dev.sysmem.stress.report;

import java.util.Locale;

/** Sample counts written the short way the reports use: 950, 12.3k, 4.1M, 2.0G. */
final class Counts {

    private Counts() {
    }

    static String compact(long n) {
        if (n < 1_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fG", n / 1e9);
    }
}
