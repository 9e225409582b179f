package dev.sysmem.sim.remote;

import dev.sysmem.sim.contract.MailboxDriverContract;

import dev.sysmem.testing.ShmFiles;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The driver tests with the device hosted over a shared file in this JVM and the driver on its own
 * mapping of the file, connected through the header as a driver in another process would be.
 */
class MailboxDriverHostedTest extends MailboxDriverContract {

    private static final ShmFiles FILES = new ShmFiles();
    private static SharedMemory file;
    private static RemoteDeviceHost host;
    private static RemoteDevice device;

    @BeforeAll
    static void hostTheDevice() throws IOException, InterruptedException {
        Path path = FILES.next("hosted");
        file = SharedMemory.create(path, RemoteLayout.fileSize(4096));
        host = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start();
        device = RemoteDevice.connect(path, "mailbox", Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopTheDevice() {
        try (SharedMemory _ = file; RemoteDeviceHost _ = host; RemoteDevice _ = device) {
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
        host.failure().ifPresent(e -> {
            throw e;
        });
    }
}
