package dev.sysmem.sim.mailbox;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.mailbox.MailboxLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mailbox where nothing traps and nothing is shared but memory: the device and the driver map
 * the same file separately, as two processes (or a QEMU guest through ivshmem BAR2) would, and
 * the driver touches the words at the widths busybox {@code devmem} offers.
 */
class MailboxOverSharedMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aDriverOnItsOwnMappingOfTheFileTalksToTheDevice() throws IOException, InterruptedException {
        Path file = dir.resolve("mbox");
        try (SharedMemory deviceSide = SharedMemory.create(file, MIN_REGION_SIZE);
             SharedMemory driverSide = SharedMemory.open(file, MIN_REGION_SIZE)) {
            assertThat(driverSide.segment().address()).isNotEqualTo(deviceSide.segment().address());
            MailboxDevice mailbox = MailboxDevice.builder("mbox", deviceSide.io("mbox-device")).build();
            try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
                MailboxDriver driver = new MailboxDriver(driverSide.io("mbox-driver"));
                driver.awaitReady();
                assertThat(driver.add(0x7fff_ffff_ffff_ffffL, 1)).isEqualTo(Long.MIN_VALUE);
                byte[] data = "shared memory, no traps".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                assertThat(Integer.toUnsignedLong(driver.crc32(data))).isEqualTo(crc.getValue());
                runner.checkHealthy();
            }
        }
    }

    @Test
    void aGuestScriptUsingOnlyDevmemWidthsFollowsTheDocumentedProtocol() throws IOException {
        Path file = dir.resolve("ivshmem");
        try (SharedMemory host = SharedMemory.create(file, MIN_REGION_SIZE);
             SharedMemory guestMapping = SharedMemory.open(file, MIN_REGION_SIZE)) {
            MailboxDevice mailbox = MailboxDevice.builder("mbox", host.io("host")).build();
            SysMem bar2 = guestMapping.io("bar2");
            SysMem bar2Ordered = bar2.withMode(AccessMode.ACQUIRE_RELEASE);
            try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
                soon().until(() -> bar2.read32(0x08) == STATE_READY);

                // ADD 0x1_0000_0001 + 0x41, with each 64-bit argument written as two 32-bit halves
                bar2.write32(0x10, CMD_ADD);
                bar2.write32(0x18, 0x0000_0001);
                bar2.write32(0x1c, 0x0000_0001);
                bar2.write32(0x20, 0x41);
                bar2.write32(0x24, 0);
                int sequence = bar2.read32(0x38) + 1;
                bar2Ordered.write32(0x38, sequence);
                soon().until(() -> bar2Ordered.read32(0x3c) == sequence);
                assertThat(bar2.read32(0x30)).isEqualTo(STATUS_OK);
                assertThat(bar2.read64(0x28)).isEqualTo(0x1_0000_0042L);
                assertThat(bar2.read32(0x28)).isEqualTo(0x42);
                assertThat(bar2.read32(0x2c)).isEqualTo(1);
                assertThat(bar2.read16(0x28)).isEqualTo(0x42);
                assertThat(bar2.read8(0x2c)).isEqualTo(1);

                // CRC32 of bytes written one byte at a time, doorbell written as two 16-bit halves
                byte[] text = "devmem".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (int i = 0; i < text.length; i++) {
                    bar2.write8(0x100 + i, text[i]);
                }
                bar2.write16(0x10, CMD_CRC32);
                bar2.write16(0x12, 0);
                bar2.write64(0x18, 0x100);
                bar2.write64(0x20, text.length);
                int next = sequence + 1;
                bar2Ordered.write16(0x3a, next >>> 16);
                bar2Ordered.write16(0x38, next & 0xffff);
                soon().until(() -> bar2Ordered.read32(0x3c) == next);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(text);
                assertThat(bar2.read32(0x30)).isEqualTo(STATUS_OK);
                assertThat(bar2.read64(0x28)).isEqualTo(crc.getValue());
                runner.checkHealthy();
            }
        }
    }
}
