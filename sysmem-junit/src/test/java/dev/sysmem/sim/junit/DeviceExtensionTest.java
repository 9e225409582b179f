package dev.sysmem.sim.junit;

import dev.sysmem.io.Io;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.DeviceStuckException;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxDriver;
import dev.sysmem.sim.remote.ChaosKind;
import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.DeviceKinds;
import dev.sysmem.sim.remote.MailboxKind;
import dev.sysmem.sim.contract.TriggeredKind;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.mailbox.MailboxLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension seen from outside: test classes that use it (the nested fixtures, which surefire
 * does not run by themselves) are run by the JUnit Platform's test kit, and their results checked:
 * what is injected, that a failing device fails its test with its name and trace, that a device
 * is always stopped, and that bad declarations are refused.
 */
class DeviceExtensionTest {

    private static final AtomicReference<TriggeredKind.TriggeredDevice> HANGING = new AtomicReference<>();

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").configurationParameter(Fixture.ENABLE, "true")
                .selectors(selectClass(fixture)).execute();
    }

    private static Throwable failureOf(EngineExecutionResults results, String method) {
        Event event = results.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "("))
                .findFirst().orElseThrow(() -> new AssertionError("no failed test " + method + " in "
                        + results.testEvents().list()));
        return event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    }

    private static List<Map<String, String>> reportEntries(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs()).toList();
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Fixture
    @SimulatedDevice(value = "mailbox", name = "ext-mbox")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class MailboxFixture {

        static DeviceKind doorbellMailbox() {
            return new MailboxKind(new MailboxKind.Options(true));
        }

        @Test
        @Order(1)
        void addsOnTheDevice(SysMem region) throws InterruptedException {
            assertThat(new MailboxDriver(region).add(40, 2)).isEqualTo(42);
        }

        @Test
        @Order(2)
        void eachTestGetsAFreshDeviceOnFreshMemoryWithWhatItAsksFor(Io io, SysMem mem, MailboxDevice mailbox, Device device,
                                                                     AccessTrace trace, DeviceRunner runner) {
            assertThat(mailbox.served()).isZero();
            assertThat(mem.read32(COMPLETED.offset())).isZero();
            assertThat(device).isSameAs(mailbox);
            assertThat(mailbox.name()).isEqualTo("ext-mbox");
            assertThat(runner.deviceNames()).containsExactly("ext-mbox");
            assertThat(threadAlive("device-ext-mbox")).isTrue();
            assertThat(mem.name()).isEqualTo("ext-mbox-driver");
            assertThat(mem.size()).isEqualTo(MIN_REGION_SIZE);
            assertThat(trace.capacity()).isEqualTo(1024);
            soon().until(() -> io.read32(DEVICE_STATE.offset()) == STATE_READY);
            assertThat(trace.dump()).contains("ext-mbox-driver OPAQUE R u32 0x8 = 0x00000001")     // the driver, through Io
                    .contains("device-ext-mbox ext-mbox ACQUIRE_RELEASE W u32 0x8 = 0x00000001"); // the device
        }

        @Test
        @Order(3)
        @SimulatedDevice(factory = "doorbellMailbox", name = "ext-doorbell", regionSize = 8192, trace = 0)
        void aMethodsDeclarationReplacesTheClasssAndItsFactoryGivesTheKindsOptions(MailboxDevice mailbox, SysMem mem)
                throws InterruptedException {
            assertThat(mailbox.name()).isEqualTo("ext-doorbell");
            assertThat(mailbox.doorbell()).isPresent();
            assertThat(mem.size()).isEqualTo(8192);
            assertThat(MailboxDriver.of(mailbox).echo(3)).isEqualTo(3);
            assertThat(mailbox.completion().raiseCount()).isEqualTo(1);
        }
    }

    @Test
    void aTestGetsItsDeviceAndTheDeviceIsStoppedAfterIt() {
        EngineExecutionResults results = run(MailboxFixture.class);
        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        assertThat(reportEntries(results)).isEmpty();                    // nothing failed: no trace published
        assertThat(threadAlive("device-ext-mbox")).isFalse();
        assertThat(threadAlive("device-ext-doorbell")).isFalse();
    }

    @Fixture
    @SimulatedDevice(value = "mailbox", name = "ext-outer")
    static class NestedFixture {

        @Nested
        class Inner {
            @Test
            void getsTheEnclosingClasssDevice(MailboxDevice mailbox) {
                assertThat(mailbox.name()).isEqualTo("ext-outer");
            }
        }
    }

    @Test
    void aNestedClassRunsUnderItsEnclosingClasssDeclaration() {
        run(NestedFixture.class).testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertThat(threadAlive("device-ext-outer")).isFalse();
    }

    @Fixture
    static class FailingDeviceFixture {

        @Test
        @SimulatedDevice(kindClass = TriggeredKind.class, name = "exploder")
        void theDeviceFailsWhileTheTestBodyPasses(Io io, DeviceRunner runner) {
            io.write32(0, TriggeredKind.FAIL);
            soon().until(() -> runner.failure().isPresent());
        }

        @Test
        @SimulatedDevice(kindClass = TriggeredKind.class, name = "exploder2")
        void theDeviceFailsAndTheTestFailsToo(Io io, DeviceRunner runner) {
            io.write32(0, TriggeredKind.FAIL);
            soon().until(() -> runner.failure().isPresent());
            fail("the driver noticed");
        }
    }

    @Test
    void aFailedDeviceFailsItsTestNamingTheDeviceWithItsTraceAttached() {
        EngineExecutionResults results = run(FailingDeviceFixture.class);
        results.testEvents().assertStatistics(stats -> stats.started(2).failed(2));

        Throwable failure = failureOf(results, "theDeviceFailsWhileTheTestBodyPasses");
        assertThat(failure).isInstanceOf(DeviceFailureException.class)
                .hasMessage("device 'exploder' failed on thread device-exploder: "
                        + "java.lang.IllegalStateException: triggered failure: command 1")
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(AccessTraceDump.class)
                .satisfies(dump -> assertThat(dump.getMessage())
                        .startsWith("device 'exploder', access trace: ")
                        .contains("exploder-driver OPAQUE W u32 0x0 = 0x00000001")              // the test's write
                        .contains("device-exploder exploder OPAQUE R u32 0x0 = 0x00000001"));   // the device's read
        assertThat(reportEntries(results)).anySatisfy(entry -> assertThat(entry.get("sysmem.trace.exploder"))
                .contains("exploder-driver OPAQUE W u32 0x0 = 0x00000001"));

        Throwable both = failureOf(results, "theDeviceFailsAndTheTestFailsToo");
        assertThat(both).isInstanceOf(AssertionError.class).hasMessage("the driver noticed");
        assertThat(both.getSuppressed()).singleElement().isInstanceOf(DeviceFailureException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(AccessTraceDump.class));
        assertThat(threadAlive("device-exploder")).isFalse();
        assertThat(threadAlive("device-exploder2")).isFalse();
    }

    @Fixture
    static class FailingTestFixture {

        @Test
        @SimulatedDevice(value = "mailbox", name = "ext-ok")
        void theTestFailsButTheDeviceIsFine(Io io) {
            io.read32(MAGIC.offset());
            fail("driver bug");
        }
    }

    @Test
    void aFailedTestWithAHealthyDeviceKeepsItsOwnFailureAndPublishesTheTrace() {
        EngineExecutionResults results = run(FailingTestFixture.class);
        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        Throwable failure = failureOf(results, "theTestFailsButTheDeviceIsFine");
        assertThat(failure).hasMessage("driver bug").hasNoSuppressedExceptions();
        assertThat(reportEntries(results)).singleElement()
                .satisfies(entry -> assertThat(entry.get("sysmem.trace.ext-ok")).contains("ext-ok-driver OPAQUE R u32 0x0"));
        assertThat(threadAlive("device-ext-ok")).isFalse();
    }

    @Fixture
    static class StuckDeviceFixture {

        @Test
        @SimulatedDevice(kindClass = TriggeredKind.class, name = "ext-stuck", stopDeadlineMillis = 50)
        void theDeviceIgnoresTheStop(Io io, TriggeredKind.TriggeredDevice device) {
            HANGING.set(device);
            io.write32(0, TriggeredKind.HANG);
            soon().until(() -> io.read32(TriggeredKind.ACKNOWLEDGED) == TriggeredKind.HANG);
        }
    }

    @Test
    void aDeviceThatWillNotStopFailsItsTestInsteadOfHangingIt() {
        try {
            EngineExecutionResults results = run(StuckDeviceFixture.class);
            results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
            Throwable failure = failureOf(results, "theDeviceIgnoresTheStop");
            assertThat(failure).isInstanceOf(DeviceStuckException.class).hasMessageContaining("device 'ext-stuck' did not stop");
            assertThat(failure.getSuppressed()).singleElement().isInstanceOf(AccessTraceDump.class);
        } finally {
            HANGING.get().release();
        }
        soon().until(() -> !threadAlive("device-ext-stuck"));
    }

    @Fixture
    static class BadDeclarationFixture {

        @Test
        @SimulatedDevice("nosuch")
        void unknownKind() {
        }

        @Test
        @SimulatedDevice(factory = "nosuchFactory")
        void missingFactory() {
        }

        @Test
        @SimulatedDevice(factory = "notStatic")
        void factoryNotStatic() {
        }

        @Test
        @SimulatedDevice(factory = "refusedOptions")
        void factoryWithRefusedOptions() {
        }

        DeviceKind notStatic() {
            return new MailboxKind();
        }

        static DeviceKind refusedOptions() {
            return new ChaosKind(ChaosKind.Options.builder().stuckBits(1, 1).build());
        }

        @Test
        @SimulatedDevice(value = "mailbox", regionSize = 100)
        void regionTooSmall() {
        }

        @Test
        @SimulatedDevice(value = "mailbox", kindClass = TriggeredKind.class)
        void twoKinds() {
        }

        @Test
        @SimulatedDevice("mailbox")
        void wrongDeviceType(TriggeredKind.TriggeredDevice device) {
        }

        @Test
        @SimulatedDevice(value = "mailbox", trace = 0)
        void noTrace(AccessTrace trace) {
        }
    }

    @Test
    void badDeclarationsAreRefusedSayingWhatIsWrong() {
        EngineExecutionResults results = run(BadDeclarationFixture.class);
        results.testEvents().assertStatistics(stats -> stats.started(8).failed(8));
        assertThat(failureOf(results, "unknownKind")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SimulatedDevice: no device kind 'nosuch'; the kinds are " + DeviceKinds.names());
        assertThat(failureOf(results, "missingFactory")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SimulatedDevice(factory = \"nosuchFactory\"): " + BadDeclarationFixture.class.getName()
                        + " has no method nosuchFactory() (nor has a class enclosing it)");
        assertThat(failureOf(results, "factoryNotStatic")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("notStatic() must be static and return a DeviceKind");
        assertThat(failureOf(results, "factoryWithRefusedOptions")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SimulatedDevice: chaos options: bits 0x1 cannot be stuck at both 1 and 0");
        assertThat(failureOf(results, "regionTooSmall")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SimulatedDevice 'mailbox': regionSize 100 is smaller than a mailbox device needs (4096 bytes)");
        assertThat(failureOf(results, "twoKinds")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("needs exactly one of a kind name (value), a kindClass and a factory");
        assertThat(failureOf(results, "wrongDeviceType")).isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("but device 'mailbox' is a dev.sysmem.sim.mailbox.MailboxDevice");
        assertThat(failureOf(results, "noTrace")).isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("device 'mailbox' has no trace: @SimulatedDevice(trace = 0)");
        assertThat(threadAlive("device-mailbox")).isFalse();
    }
}
