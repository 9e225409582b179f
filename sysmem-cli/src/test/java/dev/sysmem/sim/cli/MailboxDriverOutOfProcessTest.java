package dev.sysmem.sim.cli;

import dev.sysmem.sim.contract.MailboxDriverContract;

import dev.sysmem.testing.ChildJvm;
import dev.sysmem.testing.ShmFiles;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.remote.RemoteDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The driver tests with the device in a second JVM, started as a user would start it:
 * {@code sysmem sim run mailbox --file FILE --create}. This JVM knows the device only through the
 * file.
 */
class MailboxDriverOutOfProcessTest extends MailboxDriverContract {

    /** Starting a JVM on a busy 2-core machine can take seconds; only a broken device takes this long. */
    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(30);

    private static final ShmFiles FILES = new ShmFiles();
    private static ChildJvm child;
    private static RemoteDevice device;

    @BeforeAll
    static void startTheDeviceProcess() throws IOException, InterruptedException {
        Path path = FILES.next("out-of-process");
        child = ChildJvm.start(SysmemSim.class, "run", "mailbox", "--file", path.toString(), "--create", "--no-status");
        try {
            device = RemoteDevice.connect(path, "mailbox", CONNECT_DEADLINE);
        } catch (IOException | InterruptedException | RuntimeException e) {
            e.addSuppressed(new AssertionError("device process output:\n" + child.output()));
            child.close();
            throw e;
        }
    }

    @AfterAll
    static void stopTheDeviceProcess() throws IOException {
        try (ChildJvm _ = child) {
            if (device != null) {
                device.close();
            }
        } finally {
            FILES.deleteAll();
        }
    }

    @Override
    protected SysMem region() {
        return device.region();
    }

    @Override
    protected void checkDevice() {
        device.checkAlive();
    }
}
