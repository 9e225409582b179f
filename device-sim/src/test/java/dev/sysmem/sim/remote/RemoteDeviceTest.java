package dev.sysmem.sim.remote;

import dev.sysmem.testing.ShmFiles;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.mailbox.MailboxDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.remote.RemoteLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The driver side against headers written by a real host and by hand, word by word as
 * {@link RemoteLayout} documents them: finding the device, every way the file can be wrong, and
 * every way a device can die.
 */
class RemoteDeviceTest {

    private static final Duration SHORT = Duration.ofMillis(150);
    private static final long SELF = ProcessHandle.current().pid();
    private static final long SELF_START = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    /** A header as a host in another language would write it: the documented words, MAGIC last. */
    private static SharedMemory handWritten(Path path, long fileSize, int version, RemoteState state, String kind,
                                            long pid, long processStart, long regionSize) throws IOException {
        SharedMemory file = SharedMemory.create(path, fileSize);
        SysMem mem = file.io("hand");
        mem.write32(LAYOUT_VERSION.offset(), version);
        mem.write32(STATE.offset(), state.code());
        mem.write64(HEARTBEAT.offset(), 5);
        mem.write64(HEARTBEAT_PERIOD.offset(), 1_000_000);
        mem.write64(PID.offset(), pid);
        mem.write64(PROCESS_START.offset(), processStart);
        mem.write64(REGION_OFFSET.offset(), HEADER_SIZE);
        mem.write64(REGION_SIZE.offset(), regionSize);
        byte[] name = kind.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < name.length; i++) {
            mem.write8(KIND_OFFSET + i, name[i]);
        }
        mem.withMode(dev.sysmem.io.AccessMode.ACQUIRE_RELEASE).write64(MAGIC.offset(), MAGIC_VALUE);
        return file;
    }

    private static SharedMemory handWritten(Path path, RemoteState state, long pid, long processStart) throws IOException {
        return handWritten(path, fileSize(4096), LAYOUT_VERSION_VALUE, state, "mailbox", pid, processStart, 4096);
    }

    @Test
    void connectWaitsForADeviceThatIsNotThereYet() throws IOException, InterruptedException {
        Path path = files.next("later");
        CompletableFuture<RemoteDevice> connecting = CompletableFuture.supplyAsync(() -> {
            try {
                return RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(20));
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !connecting.isDone());
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096))) {
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !connecting.isDone());
            try (RemoteDeviceHost _ = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start();
                 RemoteDevice device = connecting.join()) {
                assertThat(device.state()).isEqualTo(RemoteState.READY);
                assertThat(device.kind()).isEqualTo("mailbox");
                assertThat(device.pid()).isEqualTo(SELF);
                assertThat(device.heartbeatPeriod()).isEqualTo(RemoteDeviceHost.DEFAULT_HEARTBEAT_PERIOD);
                assertThat(device.staleAfter()).isEqualTo(Duration.ofSeconds(2));
                assertThat(device.region().name()).isEqualTo("mailbox@" + path);
                assertThat(new MailboxDriver(device.region()).echo(7)).isEqualTo(7);
                device.checkAlive();
            }
        } finally {
            connecting.cancel(true);
        }
    }

    @Test
    void noFileEndsAtTheDeadlineNamingTheFile() {
        Path path = files.next("missing");
        assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", SHORT)).isInstanceOf(RemoteDeviceException.class)
                .hasMessage("no device file at " + path + " within PT0.15S; is the device process running?");
    }

    @Test
    void aFileSmallerThanAHeaderIsNotADeviceFile() throws IOException {
        Path path = files.next("tiny");
        Files.write(path, new byte[100]);
        assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", SHORT)).isInstanceOf(RemoteDeviceException.class)
                .hasMessageContaining("is 100 bytes, smaller than a device header (4096 bytes)");
    }

    @Test
    void aFileWithAnotherMagicIsRefusedAtOnce() throws IOException {
        Path path = files.next("garbage");
        byte[] garbage = new byte[8192];
        Arrays.fill(garbage, (byte) 0xab);
        Files.write(path, garbage);
        RemoteDeviceException e = catchThrowableOfType(RemoteDeviceException.class,
                () -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30)));
        assertThat(e).hasMessage(path + " is not a sysmem device file: MAGIC is 0xabababababababab, expected "
                + "0x56444d454d535953 (\"SYSMEMDV\")");
        assertThat(e.file()).isEqualTo(path);
    }

    @Test
    void aFileNobodyAnnouncedEndsAtTheDeadline() throws IOException {
        Path path = files.next("zero");
        try (SharedMemory _ = SharedMemory.create(path, fileSize(4096))) {
            assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", SHORT)).isInstanceOf(RemoteDeviceException.class)
                    .hasMessage("no device announced itself in " + path + " within PT0.15S (MAGIC is still 0); "
                            + "is the device process running?");
        }
    }

    @Test
    void anotherLayoutVersionIsRefused() throws IOException {
        Path path = files.next("v2");
        try (SharedMemory _ = handWritten(path, fileSize(4096), 2, RemoteState.READY, "mailbox", SELF, SELF_START, 4096)) {
            assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30)))
                    .isInstanceOf(RemoteDeviceException.class)
                    .hasMessage(path + " has header layout version 2; this driver reads version 1");
        }
    }

    @Test
    void anotherKindIsRefused() throws IOException {
        Path path = files.next("kind");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096));
             RemoteDeviceHost _ = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start()) {
            assertThatThrownBy(() -> RemoteDevice.connect(path, "virtio-blk", Duration.ofSeconds(30)))
                    .isInstanceOf(RemoteDeviceException.class)
                    .hasMessage(path + " holds a 'mailbox' device, not a 'virtio-blk' device");
        }
        assertThatThrownBy(() -> RemoteDevice.connect(path, "Not A Kind", SHORT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRegionBeyondTheEndOfTheFileIsRefused() throws IOException {
        Path path = files.next("region");
        try (SharedMemory _ = handWritten(path, fileSize(4096), 1, RemoteState.READY, "mailbox", SELF, SELF_START, 1 << 20)) {
            assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30)))
                    .isInstanceOf(RemoteDeviceException.class)
                    .hasMessage(path + ": the header puts the 'mailbox' region at offset 0x1000, 1048576 bytes, "
                            + "but the file is 8192 bytes");
        }
    }

    @Test
    void aDeviceThatStaysStartingEndsAtTheDeadlineSayingWhatItSaw() throws IOException {
        Path path = files.next("starting");
        try (SharedMemory _ = handWritten(path, RemoteState.STARTING, SELF, SELF_START)) {
            assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", SHORT)).isInstanceOf(RemoteDeviceException.class)
                    .isNotInstanceOf(RemoteDeviceDiedException.class)
                    .hasMessage("the 'mailbox' device in " + path + " did not become ready within PT0.15S: "
                            + "STATE STARTING, HEARTBEAT 5, PID " + SELF + " (running)");
        }
    }

    @Test
    void aDeviceThatFailedBeforeTheDriverCameIsReportedWithItsReason() throws IOException {
        Path path = files.next("failed");
        try (SharedMemory file = handWritten(path, RemoteState.STARTING, SELF, SELF_START)) {
            new RemoteHeader(file.io()).fail("could not map BAR0");
            RemoteDeviceDiedException e = catchThrowableOfType(RemoteDeviceDiedException.class,
                    () -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30)));
            assertThat(e).hasMessage("the 'mailbox' device in " + path + " died: it failed: could not map BAR0");
            assertThat(e.state()).isEqualTo(RemoteState.FAILED);
            assertThat(e.failure()).contains("could not map BAR0");
        }
    }

    @Test
    void aStartingDeviceWhoseProcessIsGoneIsReportedDeadWithoutWaitingForTheDeadline() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path path = files.next("gone");
        try (SharedMemory _ = handWritten(path, RemoteState.STARTING, finished.pid(), 0)) {
            RemoteDeviceDiedException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> catchThrowableOfType(
                    RemoteDeviceDiedException.class, () -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(60))));
            assertThat(e).hasMessage("the 'mailbox' device in " + path + " died: its process " + finished.pid() + " is gone");
            assertThat(e.failure()).isEmpty();
        }
    }

    @Test
    void aHeartbeatThatStandsStillLongerThanStaleAfterMeansDeath() throws IOException, InterruptedException {
        Path path = files.next("stale");
        try (SharedMemory _ = handWritten(path, RemoteState.READY, SELF, SELF_START);
             RemoteDevice device = RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30), Duration.ofMillis(100))) {
            assertThat(device.isAlive()).isTrue();
            soon().until(() -> !device.isAlive());
            assertThatThrownBy(device::checkAlive).isInstanceOf(RemoteDeviceDiedException.class)
                    .hasMessageContaining("died: its heartbeat has not moved for")
                    .hasMessageContaining("(stuck at 5, period 1 ms, stale after 100 ms)");
        }
    }

    @Test
    void aBeatingDeviceIsNeverTakenForDead() throws IOException, InterruptedException {
        Path path = files.next("beating");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096));
             RemoteDeviceHost _ = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox"))
                     .heartbeatPeriod(Duration.ofMillis(5)).start();
             RemoteDevice device = RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30), Duration.ofMillis(150))) {
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(device::isAlive);
        }
    }

    @Test
    void aPidNowUsedByAProcessThatStartedAtAnotherTimeIsNotTheHost() throws IOException, InterruptedException {
        Path path = files.next("reused-pid");
        try (SharedMemory _ = handWritten(path, RemoteState.READY, SELF, 1_000)) {
            assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30)))
                    .isInstanceOf(RemoteDeviceDiedException.class).hasMessageContaining("its process " + SELF + " is gone");
        }
        Path unknown = files.next("no-pid");
        try (SharedMemory _ = handWritten(unknown, RemoteState.READY, 0, 0);
             RemoteDevice device = RemoteDevice.connect(unknown, "mailbox", Duration.ofSeconds(30))) {
            assertThat(device.isAlive()).isTrue();                   // pid 0: only the heartbeat can tell
        }
    }

    @Test
    void aStoppedOrWithdrawnDeviceIsDead() throws IOException, InterruptedException {
        Path path = files.next("stopped");
        try (SharedMemory file = SharedMemory.create(path, fileSize(4096))) {
            RemoteDeviceHost host = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start();
            try (RemoteDevice device = RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30))) {
                host.close();
                RemoteDeviceDiedException e = catchThrowableOfType(RemoteDeviceDiedException.class, device::checkAlive);
                assertThat(e).hasMessage("the 'mailbox' device in " + path + " died: it was stopped");
                assertThat(e.state()).isEqualTo(RemoteState.STOPPED);
                assertThatThrownBy(() -> RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(30)))
                        .isInstanceOf(RemoteDeviceDiedException.class).hasMessageContaining("it was stopped");

                file.io().write64(MAGIC.offset(), 0);
                assertThatThrownBy(device::checkAlive).isInstanceOf(RemoteDeviceDiedException.class)
                        .hasMessageContaining("its header was withdrawn (MAGIC is 0x0)");
                file.io().write64(MAGIC.offset(), MAGIC_VALUE);
                file.io().write32(STATE.offset(), 9);
                assertThatThrownBy(device::state).isInstanceOf(RemoteDeviceException.class)
                        .hasMessage(path + ": STATE holds 9, which no host writes; is the header corrupt?");
            }
        }
    }
}
