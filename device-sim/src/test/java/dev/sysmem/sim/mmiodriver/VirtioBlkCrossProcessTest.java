package dev.sysmem.sim.mmiodriver;

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
 * The {@code virtio-blk} kind in a child JVM over a shared file, driven from this JVM by
 * {@link SpecBlkDriver} through nothing but the mapped region: negotiation, a write and a read
 * back, a refused driver, a reset and a working device again.
 */
class VirtioBlkCrossProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long REQUEST = 0x10000;

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    @Test
    void aDriverInAnotherProcessSetsUpTheDeviceThroughTheRegionAlone() throws Exception {
        Path path = files.next("virtio-blk");
        Path stop = Path.of(path + ".stop");
        try (ChildJvm child = ChildJvm.start(VirtioBlkHostProcess.class, path.toString(), stop.toString());
             RemoteDevice device = RemoteDevice.connect(path, "virtio-blk", TIMEOUT)) {
            assertThat(device.pid()).isEqualTo(child.pid());
            SpecBlkDriver driver = new SpecBlkDriver(device.region(), TIMEOUT);
            driver.probe();
            assertThatThrownBy(() -> driver.initialise(true, 0, 16, 0x1000, SpecBlkDriver.Mistake.SKIP_FEATURES_OK))
                    .as("a driver that skips FEATURES_OK").isInstanceOf(SpecBlkDriver.Refused.class)
                    .hasMessageContaining("Status (0x070) reads 0x43 after DRIVER_OK without FEATURES_OK: DEVICE_NEEDS_RESET");

            driver.initialise(true, 0, 16, 0x1000, SpecBlkDriver.Mistake.NONE);
            assertThat(driver.capacity()).isEqualTo(2048);
            MemorySegment guest = device.region().segment();
            for (int sector = 0; sector < 64; sector++) {
                guest.asSlice(REQUEST + 512, 512).fill((byte) sector);
                assertThat(driver.request(SpecBlkDriver.BLK_T_OUT, sector, REQUEST, 1)).isZero();
            }
            for (int sector = 63; sector >= 0; sector--) {
                guest.asSlice(REQUEST + 512, 512).fill((byte) 0xee);
                assertThat(driver.request(SpecBlkDriver.BLK_T_IN, sector, REQUEST, 1)).isZero();
                byte[] expected = new byte[512];
                java.util.Arrays.fill(expected, (byte) sector);
                assertThat(guest.asSlice(REQUEST + 512, 512).toArray(ValueLayout.JAVA_BYTE))
                        .as("sector %d read back from the other process's disk", sector).isEqualTo(expected);
            }
            assertThat(driver.interrupts()).isEqualTo(128);
            driver.reset();
            assertThat(driver.queueReady()).isZero();
            driver.initialise(false, 0, 4, 0x8000, SpecBlkDriver.Mistake.NONE);
            assertThat(driver.request(SpecBlkDriver.BLK_T_IN, 7, REQUEST, 1)).isZero();
            assertThat(guest.get(ValueLayout.JAVA_BYTE, REQUEST + 512)).isEqualTo((byte) 7);
            device.checkAlive();
            java.nio.file.Files.createFile(stop);
            assertThat(child.await(TIMEOUT).output()).contains("activity: 129 requests served").contains("4 resets")
                    .contains("1 refused writes");
        } finally {
            java.nio.file.Files.deleteIfExists(stop);
        }
    }
}
