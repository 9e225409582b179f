package dev.sysmem.testing;

import org.awaitility.core.ConditionFactory;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Awaitility settings for tests that wait for another thread or process: a generous deadline, and prompt polling so waits cost little. */
public final class Awaits {

    /** The deadline of {@link #soon()}; only a broken device model takes that long. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private Awaits() {
    }

    /** {@code await()} that checks every millisecond, from the start, for up to {@link #DEADLINE}. */
    public static ConditionFactory soon() {
        return await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }
}
