package dev.sysmem.io;

import java.time.Duration;

/**
 * A {@link Poll} gave up: the condition did not hold for any value read before the deadline, nor
 * for the last value, read after it. The counterpart of the kernel's {@code -ETIMEDOUT}, carrying
 * what the C macro leaves in {@code val}: the last value read.
 */
public final class PollTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Object lastValue;
    private final long reads;

    PollTimeoutException(String limit, Object lastValue, long reads) {
        super("poll timed out after " + limit + " and " + reads + " reads; last value read: " + render(lastValue));
        this.lastValue = lastValue;
        this.reads = reads;
    }

    static PollTimeoutException afterDeadline(Duration timeout, Object lastValue, long reads) {
        return new PollTimeoutException(timeout.toString(), lastValue, reads);
    }

    /** The last value the poll read; the condition was false for it. */
    public Object lastValue() {
        return lastValue;
    }

    /** How many times the poll read. */
    public long reads() {
        return reads;
    }

    private static String render(Object value) {
        if (value instanceof Integer i) {
            return "0x" + Integer.toHexString(i) + " (" + i + ")";
        }
        if (value instanceof Long l) {
            return "0x" + Long.toHexString(l) + " (" + l + ")";
        }
        return String.valueOf(value);
    }
}
