package dev.sysmem.sim.remote;

import dev.sysmem.sim.contract.TriggeredKind;

import dev.sysmem.testing.ShmFiles;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceStuckException;
import dev.sysmem.sim.mailbox.MailboxLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.remote.RemoteLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The host side: the header it writes (read through a mapping of its own), the heartbeat, failures, stopping. */
class RemoteDeviceHostTest {

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void theHeaderSaysWhatRunsWhereAndTheHeartbeatMoves() throws IOException {
        Path path = files.next("header");
        try (SharedMemory file = SharedMemory.create(path, fileSize(8192));
             SharedMemory reader = SharedMemory.open(path, fileSize(8192));
             RemoteDeviceHost host = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox"))
                     .deviceName("mbox-h").heartbeatPeriod(Duration.ofMillis(20)).start()) {
            SysMem mem = reader.io("reader");
            assertThat(mem.read64(MAGIC.offset())).isEqualTo(MAGIC_VALUE);
            assertThat(mem.read32(LAYOUT_VERSION.offset())).isEqualTo(LAYOUT_VERSION_VALUE);
            byte[] kind = new byte[KIND_CAPACITY];
            for (int i = 0; i < kind.length; i++) {
                kind[i] = (byte) mem.read8(KIND_OFFSET + i);
            }
            assertThat(new String(kind, StandardCharsets.US_ASCII)).isEqualTo("mailbox" + "\0".repeat(25));
            assertThat(mem.read64(PID.offset())).isEqualTo(ProcessHandle.current().pid());
            long started = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElseThrow();
            assertThat(mem.read64(PROCESS_START.offset())).isEqualTo(started);
            assertThat(mem.read64(HEARTBEAT_PERIOD.offset())).isEqualTo(20_000_000L);
            assertThat(mem.read64(REGION_OFFSET.offset())).isEqualTo(HEADER_SIZE);
            assertThat(mem.read64(REGION_SIZE.offset())).isEqualTo(8192);

            soon().until(() -> mem.read32(STATE.offset()) == RemoteState.READY.code());
            assertThat(host.state()).isEqualTo(RemoteState.READY);
            // The mailbox's own block starts right after the header.
            assertThat(mem.read32(HEADER_SIZE + MailboxLayout.MAGIC.offset())).isEqualTo(MailboxLayout.MAGIC_VALUE);
            assertThat(host.region().size()).isEqualTo(8192);
            long beat = mem.read64(HEARTBEAT.offset());
            soon().until(() -> mem.read64(HEARTBEAT.offset()) >= beat + 3);
            assertThat(host.activity()).isEqualTo("0 requests served");
        }
    }

    @Test
    void closingStopsBothThreadsWritesStoppedAndTheHeartbeatStops() throws IOException {
        Path path = files.next("close");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096))) {
            RemoteDeviceHost host = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).deviceName("mbox-c")
                    .heartbeatPeriod(Duration.ofMillis(5)).start();
            SysMem mem = file.io("reader");
            soon().until(() -> host.state() == RemoteState.READY);
            assertThat(threadAlive("device-mbox-c")).isTrue();
            assertThat(threadAlive("device-mbox-c-heartbeat")).isTrue();
            host.close();
            assertThat(mem.read32(STATE.offset())).isEqualTo(RemoteState.STOPPED.code());
            assertThat(threadAlive("device-mbox-c")).isFalse();
            assertThat(threadAlive("device-mbox-c-heartbeat")).isFalse();
            assertThat(host.ended()).isCompletedWithValue(RemoteState.STOPPED);
            long beat = mem.read64(HEARTBEAT.offset());
            assertThat(mem.read64(HEARTBEAT.offset())).isEqualTo(beat);
            host.close();                                                       // idempotent
        }
    }

    @Test
    void aDeviceFailureReachesTheHeaderWithItsReasonAndIsRethrownByClose() throws IOException {
        Path path = files.next("fail");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096))) {
            RemoteDeviceHost host = RemoteDeviceHost.builder(file, new TriggeredKind()).deviceName("trig-f")
                    .heartbeatPeriod(Duration.ofMillis(10)).start();
            SysMem mem = file.io("reader");
            soon().until(() -> host.state() == RemoteState.READY);
            host.region().write32(0, TriggeredKind.FAIL);
            soon().until(() -> mem.read32(STATE.offset()) == RemoteState.FAILED.code());
            RemoteHeader header = new RemoteHeader(mem);
            assertThat(header.failure()).contains("device 'trig-f' failed on thread device-trig-f")
                    .contains("IllegalStateException: triggered failure: command 1")
                    .contains("dev.sysmem.sim.contract.TriggeredKind$TriggeredDevice.run(");
            assertThat(host.ended()).succeedsWithin(Duration.ofSeconds(1)).isEqualTo(RemoteState.FAILED);
            long beat = mem.read64(HEARTBEAT.offset());
            DeviceFailureException failure = catchThrowableOfType(DeviceFailureException.class, host::close);
            assertThat(failure.deviceName()).isEqualTo("trig-f");
            assertThat(failure).hasRootCauseMessage("triggered failure: command 1");
            assertThat(mem.read32(STATE.offset())).isEqualTo(RemoteState.FAILED.code());
            assertThat(mem.read64(HEARTBEAT.offset())).isEqualTo(beat);        // no beat after the failure
            assertThat(threadAlive("device-trig-f-heartbeat")).isFalse();
        }
    }

    @Test
    void aDeviceThatReturnsByItselfIsStopped() throws IOException {
        Path path = files.next("finish");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096));
             RemoteDeviceHost host = RemoteDeviceHost.builder(file, new TriggeredKind()).deviceName("trig-e").start()) {
            soon().until(() -> host.state() == RemoteState.READY);
            host.region().write32(0, TriggeredKind.FINISH);
            assertThat(host.ended()).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(RemoteState.STOPPED);
            assertThat(file.io().read32(STATE.offset())).isEqualTo(RemoteState.STOPPED.code());
        }
    }

    @Test
    void aDeviceThatWillNotStopIsReportedStuckAndFailedInTheHeader() throws IOException {
        Path path = files.next("stuck");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096))) {
            RemoteDeviceHost host = RemoteDeviceHost.builder(file, new TriggeredKind()).deviceName("trig-s")
                    .stopDeadline(Duration.ofMillis(50)).start();
            TriggeredKind.TriggeredDevice device = (TriggeredKind.TriggeredDevice) host.device();
            try {
                soon().until(() -> host.state() == RemoteState.READY);
                host.region().write32(0, TriggeredKind.HANG);
                soon().until(() -> host.region().read32(TriggeredKind.ACKNOWLEDGED) == TriggeredKind.HANG);
                DeviceStuckException stuck = catchThrowableOfType(DeviceStuckException.class, host::close);
                assertThat(stuck.deviceNames()).containsExactly("trig-s");
                assertThat(new RemoteHeader(file.io()).failure()).contains("'trig-s' did not stop");
                assertThat(file.io().read32(STATE.offset())).isEqualTo(RemoteState.FAILED.code());
            } finally {
                device.release();
            }
            soon().until(() -> !threadAlive("device-trig-s"));
        }
    }

    @Test
    void aReusedFileHasItsOldHeaderWithdrawnAndServesAgain() throws IOException, InterruptedException {
        Path path = files.next("reuse");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096))) {
            RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start().close();
            assertThat(file.io().read32(STATE.offset())).isEqualTo(RemoteState.STOPPED.code());
            try (RemoteDeviceHost again = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start();
                 RemoteDevice device = RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(10))) {
                assertThat(device.state()).isEqualTo(RemoteState.READY);
                assertThat(new dev.sysmem.sim.mailbox.MailboxDriver(device.region()).add(2, 3)).isEqualTo(5);
                assertThat(again.failure()).isEmpty();
            }
        }
    }

    @Test
    void aFileTooSmallForTheHeaderAndTheDeviceIsRefused() {
        try (SharedMemory small = SharedMemory.anonymous(4096 + 1024)) {
            assertThatThrownBy(() -> RemoteDeviceHost.builder(small, DeviceKinds.create("mailbox")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8192 bytes")
                    .hasMessageContaining("at least 4096 of device region");
        }
    }

    @Test
    void theKindTableHandsOutFreshKindsByName() {
        assertThat(DeviceKinds.names()).contains("mailbox");
        assertThat(DeviceKinds.create("mailbox")).isNotSameAs(DeviceKinds.create("mailbox"));
        assertThatThrownBy(() -> DeviceKinds.create("nosuch")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no device kind 'nosuch'").hasMessageContaining("mailbox");
    }
}
