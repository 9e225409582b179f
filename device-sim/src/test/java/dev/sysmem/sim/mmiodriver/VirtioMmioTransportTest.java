package dev.sysmem.sim.mmiodriver;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.virtio.RamDisk;
import dev.sysmem.sim.virtio.VirtioMmioDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The virtio-mmio transport, driven in this JVM by {@link SpecBlkDriver}, a driver written from
 * the spec's text with its own offsets and ring code. The device side is started here, and
 * inspected only to read its refusal log and its disk; every step of the driving goes through the
 * region alone. The negative tests each run a driver that breaks one rule, and show the device
 * refuses it the way the spec says; the positive test checks the bytes on the disk and in guest
 * memory, the status byte and used.len, so a device that skipped or misplaced any of them fails.
 */
class VirtioMmioTransportTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long REGION = 1 << 20;
    private static final long RINGS = 0x1000;
    private static final long REQUEST = 0x10000;
    private static final long SECTORS = 2048;

    private SharedMemory memory;
    private DeviceRunner runner;
    private RamDisk disk;
    private VirtioMmioDevice device;
    private SpecBlkDriver driver;

    @BeforeEach
    void startTheDevice() {
        memory = SharedMemory.anonymous(REGION);
        runner = new DeviceRunner();
        disk = RamDisk.create(SECTORS, "mmio0", false);
        device = VirtioMmioDevice.block("mmio0", memory.io("mmio0"), disk, 256);
        runner.start(device);
        driver = new SpecBlkDriver(memory.io("driver"), TIMEOUT);
        driver.probe();
    }

    @AfterEach
    void stopTheDevice() {
        try (SharedMemory _ = memory; DeviceRunner _ = runner) {
            runner.checkHealthy();
        }
    }

    @ParameterizedTest(name = "EVENT_IDX {0}")
    @ValueSource(booleans = {true, false})
    void aDriverWrittenFromTheSpecNegotiatesWritesReadsAndResets(boolean eventIdx) {
        driver.initialise(eventIdx, 0, 8, RINGS, SpecBlkDriver.Mistake.NONE);
        assertThat(driver.acceptedFeatures() & (1L << SpecBlkDriver.F_EVENT_IDX)).isEqualTo(eventIdx ? 1L << 29 : 0);
        assertThat(driver.capacity()).isEqualTo(SECTORS);

        MemorySegment guest = memory.segment();
        byte[] pattern = new byte[1024];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 7 + 3);
        }
        MemorySegment.copy(pattern, 0, guest, ValueLayout.JAVA_BYTE, REQUEST + 512, pattern.length);
        assertThat(driver.request(SpecBlkDriver.BLK_T_OUT, 5, REQUEST, 2)).as("status of the OUT request").isZero();
        assertThat(disk.contents().asSlice(5 * 512, 1024).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);

        guest.asSlice(REQUEST + 512, 1024).fill((byte) 0xee);
        assertThat(driver.request(SpecBlkDriver.BLK_T_IN, 5, REQUEST, 2)).as("status of the IN request").isZero();
        assertThat(guest.asSlice(REQUEST + 512, 1024).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);
        assertThat(driver.interrupts()).isEqualTo(2);
        assertThat(driver.interruptStatus()).as("InterruptStatus after InterruptACK").isZero();

        assertThat(driver.request(SpecBlkDriver.BLK_T_IN, SECTORS - 1, REQUEST, 2))
                .as("a read past the capacity answers VIRTIO_BLK_S_IOERR").isEqualTo(RamDisk.S_IOERR);

        driver.reset();
        assertThat(driver.status()).isZero();
        assertThat(driver.queueReady()).as("QueueReady after the reset").isZero();
        assertThat(driver.interruptStatus()).isZero();
        // After the reset the device is new: a second set-up works and sees the data written before.
        driver.initialise(eventIdx, 0, 4, RINGS + 0x4000, SpecBlkDriver.Mistake.NONE);
        guest.asSlice(REQUEST + 512, 1024).fill((byte) 0);
        assertThat(driver.request(SpecBlkDriver.BLK_T_IN, 5, REQUEST, 2)).isZero();
        assertThat(guest.asSlice(REQUEST + 512, 1024).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);
        assertThat(device.resets()).isEqualTo(3);   // one per initialise, one explicit
        assertThat(device.chainsServed()).isEqualTo(4);
        assertThat(device.refusals()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SpecBlkDriver.Mistake.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aDriverThatBreaksTheStatusOrderIsRefusedWithDeviceNeedsReset(SpecBlkDriver.Mistake mistake) {
        assertThatThrownBy(() -> driver.initialise(false, 0, 8, RINGS, mistake))
                .isInstanceOf(SpecBlkDriver.Refused.class)
                .hasMessageContaining("Status (0x070)");
        assertThat(driver.status() & SpecBlkDriver.S_NEEDS_RESET).isNotZero();
        String expected = switch (mistake) {
            case SKIP_FEATURES_OK -> "Status (0x070): the write of 0x7 sets DRIVER_OK without FEATURES_OK";
            case FEATURES_OK_BEFORE_DRIVER -> "Status (0x070): the write of 0x9 sets FEATURES_OK without DRIVER";
            case QUEUE_BEFORE_FEATURES_OK -> "QueueReady (0x044) set with Status (0x070) = 0x3: a queue is set up after "
                    + "FEATURES_OK";
            case NONE -> throw new AssertionError();
        };
        assertThat(device.refusals()).singleElement().asString().contains(expected);
        assertThat(driver.queueReady()).isZero();
        // A reset clears it, and a correct driver then gets a working device.
        driver.initialise(false, 0, 8, RINGS, SpecBlkDriver.Mistake.NONE);
        assertThat(driver.request(SpecBlkDriver.BLK_T_OUT, 0, REQUEST, 1)).isZero();
    }

    @Test
    void featuresOkIsRefusedForAFeatureTheDeviceDidNotOffer() {
        assertThatThrownBy(() -> driver.initialise(false, 1L << 40, 8, RINGS, SpecBlkDriver.Mistake.NONE))
                .isInstanceOf(SpecBlkDriver.Refused.class)
                .hasMessage("Status (0x070) reads 0x03 after FEATURES_OK was written: the device refused the features "
                        + "0x10100000000");
        assertThat(device.refusals()).singleElement().asString().contains(
                "Status (0x070): FEATURES_OK refused: the driver accepted feature bits 0x10000000000 (bit 40) that "
                        + "DeviceFeatures (0x010) does not offer");
        assertThat(driver.status()).as("not DEVICE_NEEDS_RESET: the driver may try other features").isEqualTo(3);
    }

    @Test
    void driverOkWrittenTogetherWithARefusedFeaturesOkIsNotTakenEither() {
        driver.reset();
        driver.setStatus(SpecBlkDriver.S_ACKNOWLEDGE | SpecBlkDriver.S_DRIVER);
        driver.rawWrite(SpecBlkDriver.DRIVER_FEATURES_SEL, 1);
        driver.rawWrite(SpecBlkDriver.DRIVER_FEATURES, 1 | 1 << 8);   // VERSION_1 and bit 40
        driver.setStatus(SpecBlkDriver.S_ACKNOWLEDGE | SpecBlkDriver.S_DRIVER | SpecBlkDriver.S_FEATURES_OK
                | SpecBlkDriver.S_DRIVER_OK);
        assertThat(driver.status()).isEqualTo(SpecBlkDriver.S_ACKNOWLEDGE | SpecBlkDriver.S_DRIVER);
        assertThat(device.refusals()).singleElement().asString().contains("FEATURES_OK refused").contains("(bit 40)");
    }

    @Test
    void featuresOkIsRefusedWithoutVersion1() {
        driver.reset();
        driver.setStatus(SpecBlkDriver.S_ACKNOWLEDGE | SpecBlkDriver.S_DRIVER);
        driver.rawWrite(SpecBlkDriver.DRIVER_FEATURES_SEL, 0);
        driver.rawWrite(SpecBlkDriver.DRIVER_FEATURES, 1 << SpecBlkDriver.F_EVENT_IDX);
        driver.setStatus(SpecBlkDriver.S_ACKNOWLEDGE | SpecBlkDriver.S_DRIVER | SpecBlkDriver.S_FEATURES_OK);
        assertThat(driver.status() & SpecBlkDriver.S_FEATURES_OK).isZero();
        assertThat(device.refusals()).singleElement().asString().contains("did not accept VIRTIO_F_VERSION_1 (bit 32)");
    }

    @Test
    void queueAddressesOutsideGuestMemoryAreRefused() {
        driver.negotiateOnly();
        driver.setUpQueueAt(8, REGION - 64, RINGS + 0x200, RINGS + 0x400);
        assertThat(driver.queueReady()).isZero();
        assertThat(driver.status() & SpecBlkDriver.S_NEEDS_RESET).isNotZero();
        assertThat(device.refusals()).singleElement().asString().contains(
                "QueueDescLow (0x080)/QueueDescHigh (0x084) = 0xfffc0: the descriptor table [0xfffc0, 0x100040) is not "
                        + "inside guest memory [0x1000, 0x100000)");

        driver.negotiateOnly();
        driver.setUpQueueAt(8, RINGS, RINGS + 0x200, 0x40);
        assertThat(driver.queueReady()).isZero();
        assertThat(device.refusals()).last().asString().contains(
                "QueueDeviceLow (0x0a0)/QueueDeviceHigh (0x0a4) = 0x40: the used ring (device area) [0x40, 0x86) is not "
                        + "inside guest memory [0x1000, 0x100000)");

        driver.negotiateOnly();
        driver.setUpQueueAt(8, 1L << 40, RINGS + 0x200, RINGS + 0x400);
        assertThat(driver.queueReady()).isZero();
        assertThat(device.refusals()).last().asString().contains("QueueDescLow (0x080)/QueueDescHigh (0x084) = "
                + "0x10000000000");

        driver.negotiateOnly();
        driver.setUpQueueAt(3, RINGS, RINGS + 0x200, RINGS + 0x400);
        assertThat(driver.queueReady()).isZero();
        assertThat(device.refusals()).last().asString().contains("QueueNum (0x038) = 3: a queue size is a power of two "
                + "from 1 to QueueNumMax (0x034) = 256");
    }

    @Test
    void aBufferInTheRegisterPageStopsTheQueueWithDeviceNeedsResetAndAConfigurationInterrupt() {
        driver.initialise(false, 0, 8, RINGS, SpecBlkDriver.Mistake.NONE);
        driver.submitHeaderAt(0x0);
        dev.sysmem.testing.Awaits.soon().until(() -> (driver.status() & SpecBlkDriver.S_NEEDS_RESET) != 0);
        assertThat(driver.interruptStatus()).as("InterruptStatus: configuration change").isEqualTo(2);
        assertThat(driver.rawRead(SpecBlkDriver.MAGIC_VALUE)).as("the register page is untouched").isEqualTo(0x74726976);
        assertThat(device.refusals()).singleElement().asString().contains("queue 0 stopped")
                .contains("addr 0x0 len 16 is not guest RAM: it overlaps the virtio-mmio register page [0x0, 0x1000)");
        driver.initialise(false, 0, 8, RINGS, SpecBlkDriver.Mistake.NONE);
        assertThat(driver.interruptStatus()).as("InterruptStatus after the reset").isZero();
        assertThat(driver.request(SpecBlkDriver.BLK_T_OUT, 1, REQUEST, 1)).isZero();
    }

    @Test
    void writesToReadOnlyRegistersAndReservedWordsAreUndoneAndNamed() {
        driver.rawWrite(SpecBlkDriver.MAGIC_VALUE, 0);
        driver.rawWrite(SpecBlkDriver.CONFIG, 1);
        driver.rawWrite(0x0e0, 5);
        assertThat(driver.rawRead(SpecBlkDriver.MAGIC_VALUE)).isEqualTo(0x74726976);
        assertThat(driver.capacity()).isEqualTo(SECTORS);
        assertThat(driver.rawRead(0x0e0)).isZero();
        assertThat(device.refusals()).containsExactly(
                "device 'mmio0': MagicValue (0x000) is read-only: the write of 0x0 was undone",
                "device 'mmio0': Config+0x0 (0x100): the configuration is read-only; the write of 0x1 was undone",
                "device 'mmio0': offset 0x0e0 is reserved: the write of 0x5 was undone");
    }

    @Test
    void clearingAStatusBitIsRefused() {
        driver.negotiateOnly();
        driver.setStatus(SpecBlkDriver.S_ACKNOWLEDGE);
        assertThat(driver.status()).isEqualTo(SpecBlkDriver.S_ACKNOWLEDGE | SpecBlkDriver.S_DRIVER
                | SpecBlkDriver.S_FEATURES_OK | SpecBlkDriver.S_NEEDS_RESET);
        assertThat(device.refusals()).singleElement().asString()
                .contains("Status (0x070): the write of 0x1 clears bits 0xa; a driver never clears a status bit");
    }

    @Test
    void aNotifyBeforeDriverOkIsNotServed() {
        driver.negotiateOnly();
        driver.rawWrite(SpecBlkDriver.QUEUE_NOTIFY, 0);
        assertThat(driver.status()).as("a read waits for the write before it").isEqualTo(0xb);
        assertThat(device.ignoredNotifies()).isEqualTo(1);
        assertThat(device.refusals()).singleElement().asString()
                .contains("QueueNotify (0x050) for queue 0 while it is not live (Status (0x070) = 0xb");
    }

    /** A region too small for the register page and a queue is refused when the device is built. */
    @Test
    void aTooSmallRegionIsRefused() {
        try (SharedMemory small = SharedMemory.anonymous(4096)) {
            SysMem region = small.io("tiny");
            assertThatThrownBy(() -> VirtioMmioDevice.block("tiny", region, disk, 8))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region 'tiny' of 4096 bytes is too small");
        }
    }
}
