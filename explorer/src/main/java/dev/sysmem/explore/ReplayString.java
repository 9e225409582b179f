package dev.sysmem.explore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A schedule written so that it can be pasted back: into {@code @RaceTest(replay = "...")}, into
 * {@code -Dsysmem.replay=...}, or into {@code Explorer.Builder.replay}. It holds the choices the
 * schedule made (the thread picked at each point where two or more could run), the test it was
 * recorded for, and for the reader the strategy, seed and iteration that found it:
 * <pre>
 * sysmem-replay:1:&lt;test hash&gt;:&lt;strategy&gt;:&lt;seed&gt;:&lt;iteration&gt;:&lt;choices&gt;:&lt;crc32&gt;
 * </pre>
 * Choices are thread numbers (0 is the test thread, then in creation order) separated by
 * {@code ,}; {@code 3_12} is thread 3 twelve times. The CRC-32 covers everything before it, so a
 * truncated or edited string is refused rather than replayed as another schedule.
 *
 * @param testHash  the {@link String#hashCode()} of the test's name
 * @param strategy  the strategy that found the schedule (informative)
 * @param seed      the seed (informative)
 * @param iteration the schedule's number in its exploration, from 1 (informative)
 * @param choices   the choices
 */
public record ReplayString(int testHash, String strategy, boolean weakMemory, long seed, int iteration, int[] choices) {

    private static final String PREFIX = "sysmem-replay";
    private static final int VERSION = 2;
    private static final int MAX_CHOICES = 10_000_000;
    /** The memory field of a schedule run on sequentially consistent explored memory. */
    private static final String SEQUENTIAL = "sc";
    /** The memory field of a schedule run on the weak-memory model (its value choices are among the choices). */
    private static final String WEAK = "weak";

    public ReplayString {
        Objects.requireNonNull(strategy, "strategy");
        choices = choices.clone();
    }

    @Override
    public int[] choices() {
        return choices.clone();
    }

    /** The pasteable text. */
    public String format() {
        String payload = PREFIX + ":" + VERSION + ":" + String.format("%08x", testHash) + ":" + strategy.toLowerCase()
                + ":" + (weakMemory ? WEAK : SEQUENTIAL) + ":" + seed + ":" + iteration + ":" + encode(choices);
        return payload + ":" + crc(payload);
    }

    @Override
    public String toString() {
        return format();
    }

    /**
     * Reads {@code text}, checking that it is well formed, intact, and was recorded for the test
     * called {@code testName}.
     *
     * @throws IllegalArgumentException naming what is wrong: the shape, the version, the checksum,
     *                                  or the test it belongs to
     */
    public static ReplayString parse(String text, String testName) {
        Objects.requireNonNull(text, "replay string");
        String s = text.strip();
        String[] f = s.split(":", -1);
        // Version 1 had no memory field (its schedules ran on sequentially consistent memory).
        boolean versionOne = f.length == 8 && f[1].equals("1");
        if ((f.length != 9 && !versionOne) || !f[0].equals(PREFIX)) {
            throw new IllegalArgumentException("malformed replay string '" + abbreviate(s) + "': expected "
                    + PREFIX + ":<version>:<test>:<strategy>:<memory>:<seed>:<iteration>:<choices>:<checksum> (9 fields),"
                    + " found " + f.length + " field" + (f.length == 1 ? "" : "s"));
        }
        String payload = s.substring(0, s.lastIndexOf(':'));
        String checksum = f[f.length - 1];
        if (!crc(payload).equals(checksum)) {
            throw new IllegalArgumentException("replay string checksum mismatch: it ends in " + checksum
                    + " but its content sums to " + crc(payload) + "; the string was truncated or altered while copying");
        }
        int version = number(f[1], "version");
        if (version != VERSION && !versionOne) {
            throw new IllegalArgumentException("replay string has version " + version + "; this explorer reads versions 1 and "
                    + VERSION);
        }
        if (versionOne) {
            String[] upgraded = new String[9];
            System.arraycopy(f, 0, upgraded, 0, 4);
            upgraded[4] = SEQUENTIAL;
            System.arraycopy(f, 4, upgraded, 5, 4);
            f = upgraded;
        }
        if (!f[4].equals(SEQUENTIAL) && !f[4].equals(WEAK)) {
            throw new IllegalArgumentException("replay string: memory model '" + f[4] + "' is neither " + SEQUENTIAL
                    + " nor " + WEAK);
        }
        int hash = (int) Long.parseLong(f[2], 16);
        if (testName != null && hash != testName.hashCode()) {
            throw new IllegalArgumentException("replay string was recorded for another test (test hash " + f[2]
                    + "); this test '" + testName + "' has hash " + String.format("%08x", testName.hashCode()));
        }
        Strategy.parse(f[3]);
        long seed;
        try {
            seed = Long.parseLong(f[5]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replay string: seed '" + f[5] + "' is not a number");
        }
        return new ReplayString(hash, f[3].toUpperCase(), f[4].equals(WEAK), seed, number(f[6], "iteration"), decode(f[7]));
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replay string: " + what + " '" + s + "' is not a number");
        }
    }

    static String encode(int[] choices) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < choices.length; ) {
            int j = i;
            while (j < choices.length && choices[j] == choices[i]) {
                j++;
            }
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(choices[i]);
            if (j - i > 1) {
                b.append('_').append(j - i);
            }
            i = j;
        }
        return b.toString();
    }

    static int[] decode(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        int[] out = new int[16];
        int n = 0;
        for (String run : s.split(",")) {
            String[] parts = run.split("_", -1);
            int thread;
            int count;
            try {
                thread = Integer.parseInt(parts[0]);
                count = parts.length == 2 ? Integer.parseInt(parts[1]) : 1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("replay string: choice '" + run + "' is not <thread> or <thread>_<count>");
            }
            if (parts.length > 2 || thread < 0 || count < 1) {
                throw new IllegalArgumentException("replay string: choice '" + run + "' is not <thread> or <thread>_<count>");
            }
            if (count > MAX_CHOICES - n) {
                throw new IllegalArgumentException("replay string: more than " + MAX_CHOICES + " choices");
            }
            while (n + count > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            Arrays.fill(out, n, n + count, thread);
            n += count;
        }
        return Arrays.copyOf(out, n);
    }

    static String crc(String payload) {
        CRC32 crc = new CRC32();
        crc.update(payload.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplayString r && r.testHash == testHash && r.strategy.equals(strategy) && r.seed == seed
                && r.iteration == iteration && Arrays.equals(r.choices, choices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(testHash, strategy, seed, iteration, Arrays.hashCode(choices));
    }
}
