package dev.sysmem.explore.junit;

import dev.sysmem.explore.ExploredRun;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Io;
import dev.sysmem.io.Poll;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.edu.EduDevice;
import dev.sysmem.sim.junit.SimulatedDevice;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxDriver;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sysmem.sim.mailbox.MailboxLayout.ARG0;
import static dev.sysmem.sim.mailbox.MailboxLayout.ARG1;
import static dev.sysmem.sim.mailbox.MailboxLayout.CMD_ADD;
import static dev.sysmem.sim.mailbox.MailboxLayout.COMMAND;
import static dev.sysmem.sim.mailbox.MailboxLayout.COMPLETED;
import static dev.sysmem.sim.mailbox.MailboxLayout.DEVICE_STATE;
import static dev.sysmem.sim.mailbox.MailboxLayout.DOORBELL;
import static dev.sysmem.sim.mailbox.MailboxLayout.RESULT;
import static dev.sysmem.sim.mailbox.MailboxLayout.STATE_READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * {@link RaceTest} composed with {@link SimulatedDevice}, as a user writes it, run through the
 * JUnit engine: each schedule gets a fresh device on explored memory, whose thread the explorer
 * schedules.
 */
class RaceTestWithSimulatedDeviceTest {

    static class Samples {

        @RaceTest(iterations = 2_000)
        @SimulatedDevice("mailbox")
        void twoDriversShareTheMailbox(Io region, MailboxDevice mailbox, ExploredRun run) throws Exception {
            MailboxDriver.of(mailbox).awaitReady();
            for (long id = 1; id <= 2; id++) {
                long value = id * 100;
                MailboxDriver driver = MailboxDriver.of(mailbox);   // one driver per thread: no one owns the mailbox
                run.thread("driver-" + id, () -> {
                    long echoed = driver.echo(value);
                    if (echoed != value) {
                        throw new AssertionError("ECHO " + value + " answered " + echoed + ": another driver's reply");
                    }
                });
            }
            run.joinAll();
            int completed = region.read32(COMPLETED.offset());
            if (completed != 2) {
                throw new AssertionError("two requests sent, the device completed " + completed);
            }
        }

        @RaceTest(iterations = 2_000)
        @SimulatedDevice("mailbox")
        void twoThreadsShareOneDriver(Io region, MailboxDevice mailbox, ExploredRun run) throws Exception {
            MailboxDriver owner = MailboxDriver.of(mailbox);   // one driver, whose lock keeps one request in flight
            owner.awaitReady();
            for (long id = 1; id <= 2; id++) {
                long value = id * 100;
                run.thread("driver-" + id, () -> {
                    long echoed = owner.echo(value);
                    if (echoed != value) {
                        throw new AssertionError("ECHO " + value + " answered " + echoed + ": another driver's reply");
                    }
                });
            }
            run.joinAll();
            int completed = region.read32(COMPLETED.offset());
            if (completed != 2) {
                throw new AssertionError("two requests sent, the device completed " + completed);
            }
        }

        @RaceTest(iterations = 300, weakMemory = true)
        @SimulatedDevice("mailbox")
        void opaqueDoorbell(SysMem region) throws Exception {
            addThroughTheRegisters(region, AccessMode.OPAQUE);
        }

        @RaceTest(iterations = 300, weakMemory = true)
        @SimulatedDevice("mailbox")
        void releaseDoorbell(SysMem region) throws Exception {
            addThroughTheRegisters(region, AccessMode.ACQUIRE_RELEASE);
        }

        @RaceTest(iterations = 300)
        @SimulatedDevice("mailbox")
        void opaqueDoorbellOnSequentiallyConsistentMemory(SysMem region) throws Exception {
            addThroughTheRegisters(region, AccessMode.OPAQUE);
        }

        @RaceTest(iterations = 10)
        @SimulatedDevice("no-such-kind")
        void unknownKind(Io region) {
        }

        @RaceTest(iterations = 10)
        @SimulatedDevice("mailbox")
        void traceParameter(Io region, AccessTrace trace) {
        }

        @RaceTest(iterations = 10)
        @SimulatedDevice("mailbox")
        void wrongDeviceClass(EduDevice edu) {
        }

        @RaceTest(iterations = 10)
        @SimulatedDevice("chaos")
        void kindThatNeedsAMapping(Io region) {
        }

        @RaceTest(iterations = 5)
        @SimulatedDevice("mailbox")
        void sameDeviceEverywhere(Io io, SysMem region, MailboxDevice mailbox, DeviceRunner runner) {
            if (io != region) {
                throw new AssertionError("Io and SysMem are not the driver's one view of the device region");
            }
            runner.checkHealthy();
        }

        @RaceTest(iterations = 3)
        @SimulatedDevice("mailbox")
        void noDeviceOutsideTheSchedule(MailboxDevice mailbox) {
            // DeviceExtension would start its device on a platform thread before the test; the
            // schedule's device runs on a virtual thread, which getAllStackTraces does not list.
            boolean outside = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("device-mailbox"));
            if (outside) {
                throw new AssertionError("a device-mailbox platform thread runs beside the explored one");
            }
        }

        /** ADD 40 2 by hand, publishing the command with a DOORBELL store of {@code doorbellMode}. */
        private static void addThroughTheRegisters(SysMem region, AccessMode doorbellMode) throws Exception {
            Duration poll = Duration.ofNanos(50_000);
            Duration deadline = Duration.ofMillis(50);
            SysMem ordered = region.withMode(AccessMode.ACQUIRE_RELEASE);
            Poll.readPollTimeout(() -> ordered.read32(DEVICE_STATE.offset()), s -> s == STATE_READY, poll, deadline);
            region.write32(COMMAND.offset(), CMD_ADD);
            region.write64(ARG0.offset(), 40);
            region.write64(ARG1.offset(), 2);
            region.withMode(doorbellMode).write32(DOORBELL.offset(), 1);
            Poll.readPollTimeout(() -> ordered.read32(COMPLETED.offset()), c -> c == 1, poll, deadline);
            long result = region.read64(RESULT.offset());
            if (result != 42) {
                throw new AssertionError("ADD 40 2 answered " + result + ": the device read the command before it was published");
            }
        }
    }

    private static EngineExecutionResults run(String method) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectMethod(Samples.class.getName() + "#" + method
                + parameters(method))).execute();
    }

    private static String parameters(String method) {
        for (var m : Samples.class.getDeclaredMethods()) {
            if (m.getName().equals(method)) {
                StringBuilder s = new StringBuilder("(");
                for (Class<?> p : m.getParameterTypes()) {
                    s.append(s.length() > 1 ? "," : "").append(p.getName());
                }
                return s.append(')').toString();
            }
        }
        throw new IllegalArgumentException("no sample " + method);
    }

    private static Throwable failure(EngineExecutionResults results) {
        Event failed = results.testEvents().failed().stream().findFirst().orElseThrow(
                () -> new AssertionError("the sample did not fail: " + results.testEvents().list()));
        return failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    private static String replayString(Throwable failure) {
        Matcher replay = Pattern.compile("-Dsysmem.replay=(\\S+)").matcher(failure.getMessage());
        assertThat(replay.find()).as("a replay string in %s", failure.getMessage()).isTrue();
        return replay.group(1);
    }

    private static Throwable replayed(String method, String replay) {
        System.setProperty(RaceTestExtension.REPLAY_PROPERTY, replay);
        try {
            return failure(run(method));
        } finally {
            System.clearProperty(RaceTestExtension.REPLAY_PROPERTY);
        }
    }

    @Test
    void theExplorerFindsTwoDriversWithoutAnOwnerThroughTheComposedAnnotationsAndItsReplayReproducesIt() {
        Throwable failure = failure(run("twoDriversShareTheMailbox"));
        assertThat(failure.getMessage())
                .contains("race found in " + Samples.class.getName() + "#twoDriversShareTheMailbox by RANDOM exploration, seed 1, schedule ")
                .containsPattern("shrunk: [0-9]+ -> [0-9]+ choices, [0-9]+ -> [0-2] preemptions")
                .containsPattern("failure: .*(another driver's reply|the device completed 1)")
                .contains("replay: @RaceTest(replay = \"sysmem-replay:")
                .contains("-Dsysmem.replay=sysmem-replay:")
                // The device's thread is one the explorer schedules: a column of the trace.
                .containsPattern("threads: 0=test, .*=device-mailbox")
                .contains("| driver-1 ").contains("| driver-2 ").contains("| device-mailbox ");
        String replay = replayString(failure);
        String firstFailure = failure.getMessage().lines().filter(l -> l.startsWith("failure: ")).findFirst().orElseThrow();
        for (int i = 0; i < 5; i++) {
            Throwable again = replayed("twoDriversShareTheMailbox", replay);
            assertThat(again.getMessage()).contains(firstFailure).contains(replay);
        }
    }

    @Test
    void oneDriverForBothThreadsPassesTheSameExploration() {
        EngineExecutionResults results = run("twoThreadsShareOneDriver");
        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        // Passing means every one of the 2,000 schedules ran, not a stop at the deadline.
        String summary = results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("sysmem.explorer"))
                .filter(Objects::nonNull).findFirst().orElseThrow();
        assertThat(summary).contains("2000 schedules").doesNotContain("deadline").endsWith("no failure");
    }

    @Test
    void weakMemoryFindsAnOpaqueDoorbellOnTheDeclaredDeviceAndTheReleaseStoreFixesIt() {
        run("opaqueDoorbellOnSequentiallyConsistentMemory").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        run("releaseDoorbell").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        Throwable failure = failure(run("opaqueDoorbell"));
        assertThat(failure.getMessage()).contains("the device read the command before it was published")
                .contains(":weak:").contains("stale").contains("device-mailbox");
        assertThat(replayed("opaqueDoorbell", replayString(failure)).getMessage())
                .contains("the device read the command before it was published");
    }

    @Test
    void everyDriverParameterIsTheOneViewOfTheScheduleDeviceAndNoOtherDeviceRuns() {
        run("sameDeviceEverywhere").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        run("noDeviceOutsideTheSchedule").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void badCombinationsNameWhatIsWrongBeforeAnyScheduleRuns() {
        assertThat(failure(run("unknownKind")).getMessage()).contains("no device kind 'no-such-kind'")
                .contains("mailbox");
        assertThat(failure(run("traceParameter")).getMessage()).contains("@RaceTest cannot give")
                .contains("AccessTrace").contains("traceParameter").contains("trace table");
        assertThat(failure(run("wrongDeviceClass")).getMessage()).contains("@RaceTest cannot give")
                .contains(EduDevice.class.getName()).contains("device 'mailbox' of kind mailbox is a "
                        + MailboxDevice.class.getName());
        assertThat(failure(run("kindThatNeedsAMapping")).getMessage())
                .contains("@SimulatedDevice 'chaos'").contains("cannot run under @RaceTest")
                .contains("a chaos device needs shared memory it can close").doesNotContain("race found");
    }
}
