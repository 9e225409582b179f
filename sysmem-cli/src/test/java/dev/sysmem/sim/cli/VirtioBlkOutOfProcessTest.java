package dev.sysmem.sim.cli;

import dev.sysmem.sim.mmiodriver.SpecBlkDriver;
import dev.sysmem.sim.remote.RemoteDevice;
import dev.sysmem.testing.ChildJvm;
import dev.sysmem.testing.ShmFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sysmem sim run virtio-blk} in a second JVM, driven from this one by the spec-only
 * virtio-mmio driver through the shared file alone: the options reach the registers
 * (QueueNumMax) and the configuration (capacity), a request larger than the queue allows is
 * refused, and data written is read back.
 */
class VirtioBlkOutOfProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    @Test
    void theCommandLineDeviceIsDrivenThroughTheFileAlone() throws Exception {
        Path path = files.next("virtio-blk-cli");
        try (ChildJvm child = ChildJvm.start(SysmemSim.class, "run", "virtio-blk", "--file", path.toString(), "--create",
                "--no-status", "--sectors", "4096", "--queue-num-max", "64");
             RemoteDevice device = RemoteDevice.connect(path, "virtio-blk", TIMEOUT)) {
            SpecBlkDriver driver = new SpecBlkDriver(device.region(), TIMEOUT);
            driver.probe();
            assertThat(driver.rawRead(SpecBlkDriver.QUEUE_NUM_MAX)).isEqualTo(64);
            assertThatThrownBy(() -> driver.initialise(true, 0, 128, 0x1000, SpecBlkDriver.Mistake.NONE))
                    .isInstanceOf(SpecBlkDriver.Refused.class)
                    .hasMessage("QueueNumMax (0x034) is 64: queue size 128 does not fit");
            driver.initialise(true, 0, 64, 0x1000, SpecBlkDriver.Mistake.NONE);
            assertThat(driver.capacity()).isEqualTo(4096);
            MemorySegment guest = device.region().segment();
            guest.asSlice(0x10000 + 512, 512).fill((byte) 0x5a);
            assertThat(driver.request(SpecBlkDriver.BLK_T_OUT, 4095, 0x10000, 1)).isZero();
            guest.asSlice(0x10000 + 512, 512).fill((byte) 0);
            assertThat(driver.request(SpecBlkDriver.BLK_T_IN, 4095, 0x10000, 1)).isZero();
            assertThat(guest.get(ValueLayout.JAVA_BYTE, 0x10000 + 512 + 511)).isEqualTo((byte) 0x5a);
            device.checkAlive();
        }
    }
}
