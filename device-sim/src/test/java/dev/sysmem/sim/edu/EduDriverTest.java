package dev.sysmem.sim.edu;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;

import static dev.sysmem.sim.edu.EduLayout.DMA_BUFFER_ADDRESS;
import static dev.sysmem.sim.edu.EduLayout.DMA_BUFFER_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

/** A driver computes factorials and moves data by DMA; results are checked against Java's own computation. */
class EduDriverTest {

    private static final long RAM_BASE = 0x10_0000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SharedMemory ram = SharedMemory.anonymous(1 << 16);
    private final SysMem guestRam = ram.io("guest-ram");
    private final GuestMemory guest = new GuestMemory(guestRam, RAM_BASE);

    @AfterEach
    void close() {
        ram.close();
    }

    /**
     * n! mod 2^32 computed independently of the device: every factor multiplied in, in 64-bit
     * arithmetic reduced modulo 2^32 (no shortcut), and checked against BigInteger for small n.
     */
    private static int expectedFactorial(long n) {
        long product = 1;
        for (long k = 2; k <= n; k++) {
            product = (product * k) & 0xffff_ffffL;
        }
        if (n <= 40) {
            BigInteger exact = BigInteger.ONE;
            for (long k = 2; k <= n; k++) {
                exact = exact.multiply(BigInteger.valueOf(k));
            }
            assertThat(exact.mod(BigInteger.ONE.shiftLeft(32)).longValue()).isEqualTo(product);
        }
        return (int) product;
    }

    @Test
    void factorialsWithInterruptsAndByPollingMatchTheComputedValues() throws InterruptedException {
        EduDevice edu = EduDevice.builder(guest).build();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            EduDriver driver = new EduDriver(edu.mmio(), edu.interrupt(), TIMEOUT);
            int[] inputs = IntStream.concat(IntStream.rangeClosed(0, 40), new Random(3).ints(20, 0, 100_000)).toArray();
            for (int n : inputs) {
                assertThat(driver.factorialWithInterrupt(n)).as("%d! mod 2^32, with interrupt", n)
                        .isEqualTo(expectedFactorial(n));
                assertThat(driver.factorialPolling(n)).as("%d! mod 2^32, polling", n)
                        .isEqualTo(expectedFactorial(n));
            }
            assertThat(driver.factorialInterrupts()).isEqualTo(inputs.length);
            assertThat(edu.interrupt().isRaised()).isFalse();        // every cause acknowledged
            runner.checkHealthy();
        }
    }

    @Test
    void aLargeInputEndsPromptlyWithTheWrappedProduct() throws InterruptedException {
        EduDevice edu = EduDevice.builder(guest).build();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            EduDriver driver = new EduDriver(edu.mmio(), edu.interrupt(), TIMEOUT);
            assertThat(driver.factorialPolling(-1)).isZero();         // (2^32 - 1)! has far more than 32 factors of two
            assertThat(EduDevice.factorial(33)).isEqualTo(expectedFactorial(33));
            assertThat(EduDevice.factorial(34)).isZero().isEqualTo(expectedFactorial(34));
        }
    }

    @Test
    void dmaMovesTheBytesPutInGuestMemoryThereAndBack() throws InterruptedException {
        EduDevice edu = EduDevice.builder(guest).build();
        Random random = new Random(11);
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            EduDriver driver = new EduDriver(edu.mmio(), edu.interrupt(), TIMEOUT);
            for (int round = 0; round < 20; round++) {
                int count = 1 + random.nextInt(DMA_BUFFER_SIZE);
                long deviceOffset = random.nextInt(DMA_BUFFER_SIZE - count + 1);
                long from = RAM_BASE + random.nextInt(0x8000 - count);
                long to = RAM_BASE + 0x8000 + random.nextInt(0x8000 - count);
                byte[] data = new byte[count];
                random.nextBytes(data);
                MemorySegment.copy(MemorySegment.ofArray(data), 0, guestRam.segment(), from - RAM_BASE, count);

                boolean interrupt = round % 2 == 0;
                driver.toDevice(from, DMA_BUFFER_ADDRESS + deviceOffset, count, interrupt);
                driver.toRam(DMA_BUFFER_ADDRESS + deviceOffset, to, count, interrupt);

                byte[] copied = guestRam.segment().asSlice(to - RAM_BASE, count).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                assertThat(copied).as("round %d: %d bytes via device offset 0x%x", round, count, deviceOffset)
                        .containsExactly(data);
            }
            assertThat(driver.dmaInterrupts()).isEqualTo(20);          // 10 rounds x 2 transfers with the interrupt
            runner.checkHealthy();
        }
    }

    @Test
    void theSpecsDmaExampleCopiesOneHundredBytesToTheNextHundred() throws InterruptedException {
        // edu.rst: "addr -> 0x80; 0x40000 -> 0x88; 100 -> 0x90; 1 -> 0x98; while (0x98 & 1);
        //           0x40000 -> 0x80; addr+100 -> 0x88; 100 -> 0x90; 3 -> 0x98; while (0x98 & 1);"
        EduDevice edu = EduDevice.builder(guest).dmaDelay(Duration.ofMillis(1)).build();
        long addr = RAM_BASE + 0x400;
        for (int i = 0; i < 100; i++) {
            guestRam.write8(0x400 + i, (i * 7) & 0xff);
        }
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            EduDriver driver = new EduDriver(edu.mmio(), edu.interrupt(), TIMEOUT);
            driver.toDevice(addr, DMA_BUFFER_ADDRESS, 100, false);
            driver.toRam(DMA_BUFFER_ADDRESS, addr + 100, 100, false);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(guestRam.read8(0x400 + 100 + i)).isEqualTo((i * 7) & 0xff);
        }
        assertThat(guestRam.read8(0x400 + 200)).isZero();
    }

    @Test
    void theDriverSeesTheCardAlive() {
        EduDevice edu = EduDevice.builder(guest).build();
        EduDriver driver = new EduDriver(edu.mmio(), edu.interrupt(), TIMEOUT);
        assertThat(driver.checkLiveness(0x1234_5678)).isEqualTo(~0x1234_5678);
    }
}
