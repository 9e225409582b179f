package dev.sysmem.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sysmem.sim.DeviceRunnerTest.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.sysmem.testing.Awaits.soon;

class DeviceContextTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @Test
    void awaitRingReturnsAtOnceForARingThatCameBeforeTheWait() throws InterruptedException {
        Doorbell bell = new Doorbell("early");
        long seen = bell.count();
        bell.ring();
        DeviceContext context = new DeviceContext("solo");
        assertThat(context.awaitRing(bell, seen, LONG)).isEqualTo(seen + 1);
    }

    @Test
    void awaitRingTimesOutWithTheCountUnchanged() throws InterruptedException {
        Doorbell bell = new Doorbell("silent");
        DeviceContext context = new DeviceContext("solo");
        assertThat(context.awaitRing(bell, 0, Duration.ofMillis(20))).isZero();
        assertThatThrownBy(() -> context.awaitRing(bell, 0, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRingWakesTheDeviceThreadAndEveryRingIsServed() {
        Doorbell bell = new Doorbell("work");
        AtomicLong served = new AtomicLong();
        try (DeviceRunner runner = new DeviceRunner().start(device("ringer", context -> {
            long handled = 0;
            while (!context.isStopping()) {
                long count = bell.count();
                if (count != handled) {
                    served.addAndGet(count - handled);
                    handled = count;
                } else {
                    context.awaitRing(bell, count, LONG);   // no polling: only a ring or the stop wakes it
                }
            }
        }))) {
            for (int i = 1; i <= 300; i++) {
                bell.ring();
                long expected = i;
                soon().until(() -> served.get() == expected);
            }
            runner.checkHealthy();
        }
    }

    @Test
    void aStopRequestCutsEveryWaitShort() {
        Doorbell bell = new Doorbell("never");
        AtomicReference<String> results = new AtomicReference<>();
        AtomicBoolean waiting = new AtomicBoolean();
        DeviceRunner runner = new DeviceRunner(Duration.ofSeconds(10)).start(device("sleeper", context -> {
            waiting.set(true);
            long ring = context.awaitRing(bell, 0, LONG);
            boolean paused = context.pause(LONG);
            boolean polled = context.pollUntil(() -> false, LONG);
            results.set(ring + " " + paused + " " + polled);
        }));
        soon().untilTrue(waiting);
        runner.stop();   // its deadline is 10 s, the waits are 60 s: only the stop request can end them in time
        assertThat(results.get()).isEqualTo("0 false false");
    }

    @Test
    void pauseAndPollUntilReportWhatEndedThem() throws InterruptedException {
        DeviceContext context = new DeviceContext("solo");
        assertThat(context.pause(Duration.ofMillis(5))).isTrue();
        AtomicLong checks = new AtomicLong();
        assertThat(context.pollUntil(() -> checks.incrementAndGet() == 200, LONG)).isTrue();
        assertThat(context.pollUntil(() -> false, Duration.ofMillis(10))).isFalse();
    }

    @Test
    void waitsThrowInterruptedExceptionWhenInterrupted() {
        DeviceContext context = new DeviceContext("solo");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> context.pause(LONG)).isInstanceOf(InterruptedException.class)
                .hasMessageContaining("device 'solo'");
        assertThat(Thread.interrupted()).isFalse();
    }
}
