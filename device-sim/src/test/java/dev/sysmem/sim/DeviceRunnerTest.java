package dev.sysmem.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static dev.sysmem.testing.Awaits.soon;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class DeviceRunnerTest {

    /** Bound for calls that must not hang; far above what they take, so only a hang trips it. */
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    static Device device(String name, DeviceLoop loop) {
        return new Device() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(DeviceContext context) throws Exception {
                loop.run(context);
            }
        };
    }

    @FunctionalInterface
    interface DeviceLoop {
        void run(DeviceContext context) throws Exception;
    }

    static Device idle(String name) {
        return device(name, context -> {
            while (context.pause(Duration.ofSeconds(1))) {
                // a device with nothing to do
            }
        });
    }

    static Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }

    @Test
    void eachDeviceRunsOnItsOwnNamedPlatformThread() {
        AtomicReference<Thread> seen = new AtomicReference<>();
        try (DeviceRunner runner = new DeviceRunner()) {
            runner.start(device("probe", context -> {
                seen.set(Thread.currentThread());
                context.pause(Duration.ofSeconds(30));
            }));
            soon().until(() -> seen.get() != null);
            assertThat(seen.get().getName()).isEqualTo("device-probe");
            assertThat(seen.get().isVirtual()).isFalse();
            assertThat(seen.get().isDaemon()).isTrue();
            assertThat(runner.isRunning("probe")).isTrue();
        }
        assertThat(seen.get().isAlive()).isFalse();
    }

    @Test
    void cooperativeStopEndsEveryDeviceAndLeavesNoDeviceThreadBehind() {
        List<String> names = List.of("cleanup-a", "cleanup-b", "cleanup-c");
        DeviceRunner runner = new DeviceRunner(Duration.ofSeconds(5));
        names.forEach(n -> runner.start(idle(n)));
        soon().until(() -> liveThreadNames().containsAll(
                names.stream().map(n -> "device-" + n).toList()));

        assertTimeoutPreemptively(NO_HANG, runner::stop);

        assertThat(liveThreadNames()).noneMatch(t -> names.stream().anyMatch(n -> t.equals("device-" + n)));
        assertThat(liveThreadNames()).noneMatch(t -> t.startsWith("device-"));
        assertThat(runner.failure()).isEmpty();
    }

    static void explode() {
        throw new IllegalStateException("register file corrupt");
    }

    @Test
    void aDeviceFailureReachesTheStarterWithTheDeviceNameAndOriginalStackTrace() {
        DeviceRunner runner = new DeviceRunner().start(device("faulty", context -> explode()));
        soon().until(() -> runner.failure().isPresent());

        DeviceFailureException failure = catchThrowableOfType(DeviceFailureException.class, runner::checkHealthy);
        assertThat(failure.deviceName()).isEqualTo("faulty");
        assertThat(failure).hasMessageContaining("device 'faulty'").hasMessageContaining("device-faulty")
                .hasMessageContaining("register file corrupt");
        assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("register file corrupt");
        assertThat(failure.getCause().getStackTrace()[0].getMethodName()).isEqualTo("explode");

        // stop()/close() report it too, after the threads are gone
        assertThatThrownBy(runner::close).isInstanceOf(DeviceFailureException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(runner.isRunning("faulty")).isFalse();
    }

    @Test
    void errorsAreFailuresTooAndSeveralFailuresAreAllReported() {
        DeviceRunner runner = new DeviceRunner()
                .start(device("first", context -> {
                    throw new AssertionError("model invariant broken");
                }))
                .start(device("second", context -> {
                    throw new java.io.IOException("socket gone");
                }));
        soon().until(() -> !runner.isRunning("first") && !runner.isRunning("second"));

        DeviceFailureException failure = catchThrowableOfType(DeviceFailureException.class, runner::stop);
        assertThat(failure.deviceName()).isEqualTo("first");
        assertThat(failure.getCause()).isInstanceOf(AssertionError.class);
        assertThat(failure.getSuppressed()).singleElement()
                .satisfies(s -> assertThat(((DeviceFailureException) s).deviceName()).isEqualTo("second"));
    }

    @Test
    void anExceptionWhileStoppingIsAFailureButAnInterruptionIsNot() {
        DeviceRunner runner = new DeviceRunner().start(device("crash-on-stop", context -> {
            context.pause(Duration.ofSeconds(30));
            throw new IllegalStateException("cleanup failed");
        }));
        assertThatThrownBy(runner::stop).isInstanceOf(DeviceFailureException.class)
                .hasMessageContaining("crash-on-stop").hasRootCauseMessage("cleanup failed");
    }

    @Test
    void aDeviceThatFinishesOnItsOwnIsNotAFailure() {
        try (DeviceRunner runner = new DeviceRunner().start(device("one-shot", context -> { }))) {
            soon().until(() -> !runner.isRunning("one-shot"));
            runner.checkHealthy();
        }
    }

    @Test
    void aDeviceThatIgnoresTheStopRequestIsInterrupted() {
        AtomicBoolean interrupted = new AtomicBoolean();
        // Two seconds for each wait: the interrupted thread must get a CPU within it, which a
        // loaded 2-CPU machine did not always give it within 0.2 s.
        DeviceRunner runner = new DeviceRunner(Duration.ofSeconds(2)).start(device("deaf", context -> {
            try {
                while (true) {
                    Thread.sleep(Duration.ofSeconds(10));   // never looks at isStopping()
                }
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        }));
        soon().until(() -> liveThreadNames().contains("device-deaf"));

        assertTimeoutPreemptively(NO_HANG, runner::stop);   // no failure: interruption after a stop request is a stop

        assertThat(interrupted).isTrue();
        assertThat(liveThreadNames()).doesNotContain("device-deaf");
    }

    static void spinIgnoringEverything(AtomicBoolean release) {
        while (!release.get()) {
            LockSupport.parkNanos(1_000_000);
            Thread.interrupted();                         // swallows the runner's interrupt
        }
    }

    @Test
    void aDeviceThatIgnoresInterruptsTooIsReportedNotWaitedForForever() {
        AtomicBoolean release = new AtomicBoolean();
        DeviceRunner runner = new DeviceRunner(Duration.ofMillis(100))
                .start(device("stubborn", context -> spinIgnoringEverything(release)));
        try {
            DeviceStuckException stuck = assertTimeoutPreemptively(NO_HANG,
                    () -> catchThrowableOfType(DeviceStuckException.class, runner::stop));
            assertThat(stuck.deviceNames()).containsExactly("stubborn");
            assertThat(stuck).hasMessageContaining("device 'stubborn' did not stop")
                    .hasMessageContaining("thread device-stubborn")
                    .hasMessageContaining("spinIgnoringEverything");
        } finally {
            release.set(true);
        }
        soon().until(() -> !liveThreadNames().contains("device-stubborn"));
    }

    @Test
    void namesMustBeUniqueAndNonBlankAndAStoppedRunnerStartsNothing() {
        try (DeviceRunner runner = new DeviceRunner().start(idle("twin"))) {
            assertThatThrownBy(() -> runner.start(idle("twin"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'twin' was already started");
            assertThatThrownBy(() -> runner.start(idle(" "))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("non-blank name");
            assertThatThrownBy(() -> runner.isRunning("nobody")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[twin]");
        }
        DeviceRunner stopped = new DeviceRunner();
        stopped.stop();
        assertThatThrownBy(() -> stopped.start(idle("late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("late");
        assertThatThrownBy(() -> new DeviceRunner(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopIsIdempotent() {
        DeviceRunner runner = new DeviceRunner().start(idle("again"));
        runner.stop();
        runner.stop();
        runner.close();
        assertThat(runner.isRunning("again")).isFalse();
    }
}
