package dev.sysmem.sim.cli;

import dev.sysmem.sim.mailbox.MailboxDriver;
import dev.sysmem.sim.mailbox.MailboxException;
import dev.sysmem.testing.ChildJvm;
import dev.sysmem.sim.remote.RemoteDevice;
import dev.sysmem.sim.remote.RemoteDeviceDiedException;
import dev.sysmem.sim.remote.RemoteLayout;
import dev.sysmem.sim.remote.RemoteState;
import dev.sysmem.testing.ShmFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static dev.sysmem.testing.Awaits.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code sysmem sim run} in a second JVM, as a user runs it, and a driver in this JVM: a signal
 * stops it cleanly, a killed process is noticed, a device that fails ends the process with
 * exit code 1 and says why in the header.
 */
class SysmemSimProcessTest {

    /** Starting a JVM on a busy 2-core machine can take seconds; only a broken device takes this long. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    private static RemoteDevice connect(ChildJvm child, Path path) throws IOException, InterruptedException {
        try {
            return RemoteDevice.connect(path, "mailbox", DEADLINE);
        } catch (RuntimeException e) {
            e.addSuppressed(new AssertionError("device process output:\n" + child.output()));
            throw e;
        }
    }

    @Test
    void sigtermStopsTheDevicePrintsASummaryAndExitsWith0() throws IOException, InterruptedException {
        Path path = files.next("sigterm");
        try (ChildJvm child = ChildJvm.start(SysmemSim.class, "run", "mailbox", "--file", path.toString(), "--create");
             RemoteDevice device = connect(child, path)) {
            assertThat(device.pid()).isEqualTo(child.pid());
            assertThat(new MailboxDriver(device.region()).add(40, 2)).isEqualTo(42);

            child.terminate();
            ChildJvm.Result result = child.await(DEADLINE);
            assertThat(result.exitCode()).isZero();
            assertThat(result.output()).containsPattern("mailbox 'mailbox' on " + path
                    + ": STOPPED after \\d+\\.\\d s \\(stop requested\\); 1 requests served; heartbeat \\d+");
            assertThat(device.state()).isEqualTo(RemoteState.STOPPED);      // this mapping outlives the file
            assertThatThrownBy(device::checkAlive).isInstanceOf(RemoteDeviceDiedException.class)
                    .hasMessageContaining("it was stopped");
            assertThat(path).doesNotExist();
        }
    }

    @Test
    void aKilledDeviceProcessIsNoticedByTheDriver() throws IOException, InterruptedException {
        Path path = files.next("sigkill");
        try (ChildJvm child = ChildJvm.start(SysmemSim.class, "run", "mailbox", "--file", path.toString(), "--create",
                "--heartbeat", "50ms");
             RemoteDevice device = connect(child, path)) {
            MailboxDriver driver = new MailboxDriver(device.region()).withTimeout(Duration.ofMillis(300));
            assertThat(driver.echo(9)).isEqualTo(9);
            device.checkAlive();

            child.kill();
            soon().untilAsserted(() -> assertThatThrownBy(device::checkAlive)
                    .isInstanceOf(RemoteDeviceDiedException.class)
                    .hasMessage("the 'mailbox' device in " + path + " died: its process " + child.pid() + " is gone"));
            assertThat(device.state()).isEqualTo(RemoteState.READY);         // nobody was left to say otherwise
            assertThatThrownBy(() -> driver.echo(10)).isInstanceOf(MailboxException.class)
                    .hasMessageContaining("was not completed within PT0.3S");
        }
    }

    @Test
    void aDeviceThatFailsEndsTheProcessWithExitCode1AndTheHeaderSaysWhy() throws IOException, InterruptedException {
        Path path = files.next("failing");
        try (ChildJvm child = ChildJvm.start(SysmemSim.class, "run", "mailbox", "--file", path.toString(), "--create",
                "--trace", "16", "--heartbeat", "20ms");
             RemoteDevice device = connect(child, path)) {
            assertThat(new MailboxDriver(device.region()).echo(1)).isEqualTo(1);
            // Take the device's region away from under it; the header page stays.
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(RemoteLayout.HEADER_SIZE);
            }
            soon().until(() -> device.state() == RemoteState.FAILED);
            RemoteDeviceDiedException died = catchThrowableOfType(RemoteDeviceDiedException.class, device::checkAlive);
            assertThat(died.failure()).hasValueSatisfying(f -> assertThat(f)
                    .contains("device 'mailbox' failed on thread device-mailbox: dev.sysmem.io.MemoryFault")
                    .contains("\tat dev.sysmem.sim.mailbox.MailboxDevice"));

            ChildJvm.Result result = child.await(DEADLINE);
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output())
                    .containsPattern("mailbox 'mailbox' on " + path + ": FAILED after \\d+\\.\\d s \\(device failed\\)")
                    .contains("sysmem: device 'mailbox' failed on thread device-mailbox")
                    .contains("access trace: ")
                    .contains("device-mailbox mailbox ACQUIRE_RELEASE W u32 0x3c = 0x00000001");   // COMPLETED of the echo
        }
    }
}
