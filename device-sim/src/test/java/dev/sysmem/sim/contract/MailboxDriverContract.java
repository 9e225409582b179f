package dev.sysmem.sim.contract;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.mailbox.MailboxDriver;
import dev.sysmem.sim.mailbox.MailboxLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.mailbox.MailboxLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mailbox driver's tests, written once and run wherever the device is: on a thread of this
 * JVM, hosted over a shared file in this JVM, and in a second JVM. The driver reaches the device
 * only through the region's memory, as {@link MailboxLayout} specifies; expected values come from
 * the layout's definitions and {@link CRC32}, never from the device.
 */
public abstract class MailboxDriverContract {

    /** The driver's view of a running mailbox's region. */
    protected abstract SysMem region();

    /** Throws if the device is no longer healthy. */
    protected abstract void checkDevice();

    private MailboxDriver driver() throws InterruptedException {
        MailboxDriver driver = new MailboxDriver(region());
        driver.awaitReady();
        return driver;
    }

    @AfterEach
    void theDeviceSurvivedTheTest() {
        checkDevice();
    }

    @Test
    void echoAndAddReturnWhatTheLayoutDefines() throws InterruptedException {
        MailboxDriver driver = driver();
        Random random = new Random(11);
        for (int i = 0; i < 100; i++) {
            long a = random.nextLong();
            long b = random.nextLong();
            assertThat(driver.echo(a)).isEqualTo(a);
            assertThat(driver.add(a, b)).isEqualTo(a + b);
        }
        assertThat(driver.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MIN_VALUE);      // modulo 2^64
    }

    @Test
    void crc32IsZlibsCrc32OfTheDataArea() throws InterruptedException {
        MailboxDriver driver = driver();
        assertThat(Integer.toUnsignedLong(driver.crc32("123456789".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(0xcbf43926L);                                           // the CRC-32 check value
        Random random = new Random(12);
        for (int length : new int[]{0, 1, 100, (int) (MIN_REGION_SIZE - DATA_OFFSET)}) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            CRC32 expected = new CRC32();
            expected.update(data);
            assertThat(Integer.toUnsignedLong(driver.crc32(data))).isEqualTo(expected.getValue());
        }
    }

    @Test
    void badRequestsGetErrorStatusesAndTheDeviceCarriesOn() throws InterruptedException {
        MailboxDriver driver = driver();
        assertThat(driver.execute(0x77, 0, 0).status()).isEqualTo(STATUS_UNKNOWN_COMMAND);
        assertThat(driver.execute(0x77, 0, 0).result()).isEqualTo(0x77);
        assertThat(driver.execute(CMD_CRC32, 0, 8).status()).isEqualTo(STATUS_OUT_OF_RANGE);
        assertThat(driver.echo(5)).isEqualTo(5);
    }

    @Test
    void concurrentCallersEachGetTheirOwnAnswer() throws InterruptedException {
        MailboxDriver driver = driver();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            long base = (long) t << 40;
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        long got = driver.add(base, i);
                        if (got != base + i) {
                            wrong.add(base + " + " + i + " = " + got);
                        }
                    }
                } catch (InterruptedException | RuntimeException e) {
                    wrong.add(e.toString());
                }
            }));
        }
        soon().until(() -> callers.stream().noneMatch(Thread::isAlive));
        assertThat(wrong).isEmpty();
    }

    @Test
    void aRequestWrittenWordByWordFollowingTheLayoutIsServed() throws InterruptedException {
        driver();
        SysMem mem = region();
        SysMem ordered = mem.withMode(AccessMode.ACQUIRE_RELEASE);
        soon().until(() -> ordered.read32(COMPLETED.offset()) == ordered.read32(DOORBELL.offset()));
        mem.write32(COMMAND.offset(), CMD_ADD);
        mem.write32(ARG0.offset(), 0x0000_0002);                 // ARG0 as two 32-bit halves
        mem.write32(ARG0.offset() + 4, 0x0000_0001);
        mem.write64(ARG1.offset(), 0x40);
        int sequence = ordered.read32(DOORBELL.offset()) + 1;
        ordered.write32(DOORBELL.offset(), sequence);
        soon().until(() -> ordered.read32(COMPLETED.offset()) == sequence);
        assertThat(mem.read32(STATUS.offset())).isEqualTo(STATUS_OK);
        assertThat(mem.read64(RESULT.offset())).isEqualTo(0x1_0000_0042L);
    }
}
