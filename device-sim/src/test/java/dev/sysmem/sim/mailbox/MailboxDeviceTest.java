package dev.sysmem.sim.mailbox;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.DeviceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.mailbox.MailboxLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The mailbox against its documented layout and protocol ({@link MailboxLayout}). */
class MailboxDeviceTest {

    private final SharedMemory shm = SharedMemory.anonymous(MIN_REGION_SIZE);
    private final SysMem region = shm.io("mbox");

    @AfterEach
    void close() {
        shm.close();
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    @Test
    void theReadmeExampleAddsOnTheDeviceThread() throws InterruptedException {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = MailboxDriver.of(mailbox);
            assertThat(driver.add(40, 2)).isEqualTo(42);
            runner.checkHealthy();
        }
    }

    @Test
    void commandsComputeWhatTheLayoutSays() throws InterruptedException {
        Random random = new Random(7);
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = MailboxDriver.of(mailbox);
            for (int i = 0; i < 200; i++) {
                long a = random.nextLong();
                long b = random.nextLong();
                assertThat(driver.echo(a)).isEqualTo(a);
                assertThat(driver.add(a, b)).isEqualTo(a + b);          // wraps mod 2^64, as Java's long
            }
            assertThat(driver.add(-1L, 1)).isZero();
            for (int length : new int[]{0, 1, 7, 100, (int) (MIN_REGION_SIZE - DATA_OFFSET)}) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                assertThat(Integer.toUnsignedLong(driver.crc32(data))).isEqualTo(crc(data));
            }
            assertThat(Integer.toUnsignedLong(driver.crc32("123456789".getBytes(StandardCharsets.US_ASCII))))
                    .isEqualTo(0xcbf43926L);                                // the CRC-32 check value
            assertThat(mailbox.served()).isEqualTo(400 + 1 + 5 + 1);
            runner.checkHealthy();
        }
    }

    @Test
    void anUnknownCommandGetsAnErrorStatusWithTheCommandAsResult() throws InterruptedException {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = MailboxDriver.of(mailbox);
            MailboxReply reply = driver.execute(0x99, 1, 2);
            assertThat(reply.status()).isEqualTo(STATUS_UNKNOWN_COMMAND);
            assertThat(reply.result()).isEqualTo(0x99);
            assertThat(driver.execute(0, 0, 0).status()).isEqualTo(STATUS_UNKNOWN_COMMAND);
            assertThat(driver.echo(5)).isEqualTo(5);                      // the device carries on
        }
    }

    @Test
    void aCrcOutsideTheDataAreaIsRefusedWithOutOfRange() throws InterruptedException {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = MailboxDriver.of(mailbox);
            assertThat(driver.execute(CMD_CRC32, 0x0, 16).status()).isEqualTo(STATUS_OUT_OF_RANGE);   // registers
            assertThat(driver.execute(CMD_CRC32, DATA_OFFSET, MIN_REGION_SIZE).status()).isEqualTo(STATUS_OUT_OF_RANGE);
            assertThat(driver.execute(CMD_CRC32, MIN_REGION_SIZE - 4, 4).status()).isEqualTo(STATUS_OK);
            assertThat(driver.execute(CMD_CRC32, DATA_OFFSET, -1).status()).isEqualTo(STATUS_OUT_OF_RANGE);
            assertThatThrownBy(() -> driver.crc32(new byte[(int) MIN_REGION_SIZE]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DATA area");
        }
    }

    @Test
    void requireOkTurnsAnErrorReplyIntoAnExceptionCarryingIt() throws InterruptedException {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxReply reply = MailboxDriver.of(mailbox).execute(CMD_CRC32, 0, 1);
            MailboxException error = catchThrowableOfType(MailboxException.class, reply::requireOk);
            assertThat(error).hasMessage("mailbox request #1 CRC32 -> OUT_OF_RANGE 0x0 failed with status OUT_OF_RANGE");
            assertThat(error.reply()).contains(reply);
        }
    }

    @Test
    void theDeviceAnnouncesItselfAndSaysWhenItStopped() {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).build();
        assertThat(region.read32(DEVICE_STATE.offset())).isEqualTo(STATE_ABSENT);
        DeviceRunner runner = new DeviceRunner().start(mailbox);
        soon().until(() -> region.read32(DEVICE_STATE.offset()) == STATE_READY);
        assertThat(region.read32(MAGIC.offset())).isEqualTo(MAGIC_VALUE);
        assertThat(region.read8(0)).isEqualTo('M');
        assertThat(region.read8(3)).isEqualTo('X');
        assertThat(region.read32(VERSION.offset())).isEqualTo(VERSION_VALUE);
        runner.stop();
        assertThat(region.read32(DEVICE_STATE.offset())).isEqualTo(STATE_STOPPED);
    }

    @Test
    void aRequestMadeBeforeTheDeviceStartedIsServedWhenItStarts() {
        region.write32(COMMAND.offset(), CMD_ECHO);
        region.write64(ARG0.offset(), 0x1234);
        region.withMode(dev.sysmem.io.AccessMode.ACQUIRE_RELEASE).write32(DOORBELL.offset(), 1);
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            soon().until(() -> region.read32(COMPLETED.offset()) == 1);
            assertThat(region.read64(RESULT.offset())).isEqualTo(0x1234);
        }
    }

    @Test
    void eachCompletionPulsesTheInterruptOnce() throws InterruptedException {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().build();
        ConcurrentLinkedQueue<Long> completedSeen = new ConcurrentLinkedQueue<>();
        mailbox.completion().attach(line -> completedSeen.add(Integer.toUnsignedLong(region.read32(COMPLETED.offset()))));
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = MailboxDriver.of(mailbox);
            for (int i = 0; i < 50; i++) {
                driver.echo(i);
            }
        }
        assertThat(mailbox.completion().raiseCount()).isEqualTo(50);
        assertThat(mailbox.completion().isRaised()).isFalse();            // message-signalled: no level
        // The interrupt comes after COMPLETED is published: the handler always sees its request done.
        assertThat(completedSeen).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
    }

    @Test
    void withoutADoorbellTheDevicePollsAndTheDriverPolls() throws InterruptedException {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = new MailboxDriver(region);                // shared memory only
            driver.awaitReady();
            for (int i = 0; i < 100; i++) {
                assertThat(driver.add(i, 1000)).isEqualTo(i + 1000);
            }
            runner.checkHealthy();
        }
    }

    @Test
    void concurrentCallersOfOneDriverEachGetTheirOwnAnswer() {
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().build();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = MailboxDriver.of(mailbox);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long base = (long) t << 32;
                callers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            long got = driver.add(base, i);
                            if (got != base + i) {
                                wrong.add(base + "+" + i + " = " + got);
                            }
                        }
                    } catch (InterruptedException | RuntimeException e) {
                        wrong.add(e.toString());
                    }
                }));
            }
            soon().until(() -> callers.stream().noneMatch(Thread::isAlive));
        }
        assertThat(wrong).isEmpty();
        assertThat(mailbox.served()).isEqualTo(800);
    }

    @Test
    void aDriverWithoutADeviceTimesOutWithAClearMessage() {
        MailboxDriver driver = new MailboxDriver(region).withTimeout(Duration.ofMillis(50));
        MailboxException error = catchThrowableOfType(MailboxException.class, () -> driver.echo(1));
        assertThat(error).hasMessageContaining("mailbox 'mbox'").hasMessageContaining("ECHO (request #1)")
                .hasMessageContaining("not completed within PT0.05S").hasMessageContaining("COMPLETED = 0")
                .hasMessageContaining("DEVICE_STATE = 0");
        assertThat(error.reply()).isEmpty();
        assertThatThrownBy(driver::awaitReady).isInstanceOf(MailboxException.class)
                .hasMessageContaining("no device became ready");
    }

    @Test
    void aRequestLeftInFlightByATimeoutIsAnsweredBeforeTheNextOne() throws InterruptedException {
        MailboxDriver impatient = new MailboxDriver(region).withTimeout(Duration.ofMillis(20));
        assertThatThrownBy(() -> impatient.echo(11)).isInstanceOf(MailboxException.class);
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver driver = new MailboxDriver(region);
            assertThat(driver.echo(22)).isEqualTo(22);
            assertThat(mailbox.served()).isEqualTo(2);
        }
    }

    @Test
    void theDeviceRecordsItsAccessesWhenTraced() throws InterruptedException {
        AccessTrace trace = new AccessTrace(256);
        MailboxDevice mailbox = MailboxDevice.builder("mbox", region).doorbell().trace(trace).build();
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            MailboxDriver.of(mailbox).add(1, 2);
        }
        assertThat(trace.entries()).allSatisfy(e -> assertThat(e.thread()).isEqualTo("device-mbox"));
        assertThat(trace.dump()).contains("mbox ACQUIRE_RELEASE W u32 0x3c = 0x00000001")   // COMPLETED
                .contains("mbox OPAQUE R u32 0x10 = 0x00000002")                            // COMMAND = ADD
                .contains("mbox OPAQUE W u64 0x28 = 0x0000000000000003");                   // RESULT
    }

    @Test
    void aRegionTooSmallOrReadOnlyIsRefused() {
        assertThatThrownBy(() -> MailboxDevice.builder("tiny", region.slice(0, 256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 bytes")
                .hasMessageContaining("at least 4096");
        assertThatThrownBy(() -> MailboxDevice.builder("ro", region.readOnly()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> new MailboxDriver(region.slice(0, 64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLayoutConstantsMatchTheDocumentedOffsets() {
        assertThat(REGISTERS).extracting(r -> r.name() + "@" + Long.toHexString(r.offset()) + ":" + r.width())
                .containsExactly("MAGIC@0:u32", "VERSION@4:u32", "DEVICE_STATE@8:u32", "COMMAND@10:u32",
                        "ARG0@18:u64", "ARG1@20:u64", "RESULT@28:u64", "STATUS@30:u32", "DOORBELL@38:u32",
                        "COMPLETED@3c:u32");
        assertThat(Integer.toHexString(MAGIC_VALUE)).isEqualTo(MAGIC_VALUE_HEX.substring(2));
    }
}
