package dev.sysmem.sim.edu;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.DmaFault;
import dev.sysmem.sim.GuestMemory;
import dev.sysmem.sim.Mmio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.sysmem.testing.Awaits.soon;
import static dev.sysmem.sim.edu.EduLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each behaviour of QEMU's edu device, from its specification (docs/specs/edu.rst) and from what
 * QEMU 7.2 was observed to do when a guest drove it (hw/misc/edu.c); the quoted statement is in
 * each test's comment.
 */
class EduDeviceTest {

    private static final long RAM_BASE = 0x10_0000;
    /**
     * How long a factorial or a transfer takes in the tests that act while one is in progress.
     * Those tests time their own accesses and abort (not fail) in the unlikely case that the
     * machine stalled them longer than this, since the device was then no longer busy.
     */
    private static final Duration WINDOW = Duration.ofMillis(400);

    /** Asserts that the accesses made since {@code start} all fell inside the busy window. */
    private static void assumeInsideWindow(long start) {
        long elapsed = System.nanoTime() - start;
        assumeTrue(elapsed < WINDOW.toNanos(), () -> "the test thread was stalled " + elapsed / 1_000_000
                + " ms, past the device's busy window; the precondition of this test did not hold");
    }

    private final SharedMemory ram = SharedMemory.anonymous(1 << 16);
    private final SysMem guestRam = ram.io("guest-ram");
    private final GuestMemory guest = new GuestMemory(guestRam, RAM_BASE);

    @AfterEach
    void close() {
        ram.close();
    }

    private EduDevice edu() {
        return EduDevice.builder(guest).build();
    }

    private static void awaitIdle(Mmio bar0) {
        soon().until(() -> (bar0.read32(0x20) & STATUS_COMPUTING) == 0 && (bar0.read64(0x98) & DMA_START) == 0);
    }

    @Test
    void identificationReads0x010000edAndIsReadOnly() {
        // "0x00 (RO) : identification (0xRRrr00edu) ... RR -- major version, rr -- minor version"; QEMU returns 0x010000ed
        Mmio bar0 = edu().mmio();
        assertThat(bar0.read32(0x00)).isEqualTo(0x010000ed);
        bar0.write32(0x00, 0);
        assertThat(bar0.read32(0x00)).isEqualTo(0x010000ed);
    }

    @Test
    void livenessReadsTheInverseOfWhatWasWritten() {
        // "0x04 (RW) : card liveness check, it is a simple value inversion (~ C operator)"; verified W 0x12345678 -> R 0xedcba987
        Mmio bar0 = edu().mmio();
        bar0.write32(0x04, 0x12345678);
        assertThat(bar0.read32(0x04)).isEqualTo(0xedcba987);
        bar0.write32(0x04, 0);
        assertThat(bar0.read32(0x04)).isEqualTo(0xffffffff);
    }

    @Test
    void factorialIsComputedOnTheDeviceThreadAndWrapsModulo2To32() {
        // "0x08 (RW) : factorial computation ... The result is put into this register"; verified 5 -> 0x78, 13 -> 0x7328cc00, 0 -> 1
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            for (int[] pair : new int[][]{{5, 0x78}, {13, 0x7328cc00}, {0, 1}, {12, 479001600}}) {
                bar0.write32(0x08, pair[0]);
                awaitIdle(bar0);
                assertThat(bar0.read32(0x08)).as("%d!", pair[0]).isEqualTo(pair[1]);
            }
            runner.checkHealthy();
        }
    }

    @Test
    void statusBit0IsSetWhileComputingAndClearedWhenDone() {
        // "0x20 (RW) : status register, bitwise OR 0x01 -- computing factorial (RO)"
        EduDevice edu = EduDevice.builder(guest).factorialDelay(WINDOW).build();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            assertThat(bar0.read32(0x20)).isZero();
            long start = System.nanoTime();
            bar0.write32(0x08, 4);
            int status = bar0.read32(0x20);
            assumeInsideWindow(start);
            assertThat(status & STATUS_COMPUTING).isEqualTo(STATUS_COMPUTING);
            soon().until(() -> (bar0.read32(0x20) & STATUS_COMPUTING) == 0);
            assertThat(bar0.read32(0x08)).isEqualTo(24);
        }
    }

    @Test
    void factorialWritesAreIgnoredWhileComputing() {
        // edu.c: a write to 0x08 is ignored while STATUS & COMPUTING (the doc: "written value ... while computing" is not taken)
        EduDevice edu = EduDevice.builder(guest).factorialDelay(WINDOW).build();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            long start = System.nanoTime();
            bar0.write32(0x08, 5);
            bar0.write32(0x08, 7);
            int during = bar0.read32(0x08);
            assumeInsideWindow(start);
            assertThat(during).isEqualTo(5);                         // still the input being computed
            awaitIdle(bar0);
            assertThat(bar0.read32(0x08)).isEqualTo(120);            // 5!, not 7!
            bar0.write32(0x08, 7);                                   // accepted again once done
            awaitIdle(bar0);
            assertThat(bar0.read32(0x08)).isEqualTo(5040);
        }
    }

    @Test
    void aStatusWriteOnlySetsOrClearsBit0x80() {
        // "0x80 -- raise interrupt after finishing factorial computation"; verified W 0xffffffff -> R 0x80
        Mmio bar0 = edu().mmio();
        bar0.write32(0x20, 0xffffffff);
        assertThat(bar0.read32(0x20)).isEqualTo(0x80);
        bar0.write32(0x20, 0x01);                                     // COMPUTING is read-only
        assertThat(bar0.read32(0x20)).isZero();
    }

    @Test
    void aFinishedFactorialRaisesInterrupt0x1WhenStatusBit0x80IsSet() {
        // "0x80 -- raise interrupt after finishing factorial computation"; "0x24 (RO) : interrupt status register ... 0x00000001 -- factorial computed"
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            bar0.write32(0x20, STATUS_IRQ_ON_FACTORIAL);
            bar0.write32(0x08, 6);
            soon().until(() -> edu.interrupt().raiseCount() == 1);
            assertThat(edu.interrupt().isRaised()).isTrue();
            assertThat(bar0.read32(0x24)).isEqualTo(IRQ_FACTORIAL);
            assertThat(bar0.read32(0x08)).isEqualTo(720);
            bar0.write32(0x64, IRQ_FACTORIAL);                        // "0x64 (WO) : interrupt acknowledge register"
            assertThat(bar0.read32(0x24)).isZero();
            assertThat(edu.interrupt().isRaised()).isFalse();
        }
    }

    @Test
    void withoutBit0x80AFinishedFactorialRaisesNothing() {
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            bar0.write32(0x08, 6);
            awaitIdle(bar0);
            assertThat(bar0.read32(0x08)).isEqualTo(720);
            assertThat(edu.interrupt().raiseCount()).isZero();
            assertThat(bar0.read32(0x24)).isZero();
        }
    }

    @Test
    void theRaiseRegisterOrsCausesAndRaisesTheAckRegisterClearsThemAndLowersWhenNoneIsLeft() {
        // "0x60 (WO) : interrupt raise register ... the value is ORed into the interrupt status register"
        // "0x64 (WO) : interrupt acknowledge register ... clears the bits written"; edu.c lowers INTx when the status is 0
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        bar0.write32(0x60, 0x5);
        bar0.write32(0x60, 0x100);
        assertThat(bar0.read32(0x24)).isEqualTo(0x105);
        assertThat(edu.interrupt().isRaised()).isTrue();
        assertThat(edu.interrupt().raiseCount()).isEqualTo(2);
        bar0.write32(0x64, 0x1);
        assertThat(bar0.read32(0x24)).isEqualTo(0x104);
        assertThat(edu.interrupt().isRaised()).isTrue();
        bar0.write32(0x64, 0x104);
        assertThat(bar0.read32(0x24)).isZero();
        assertThat(edu.interrupt().isRaised()).isFalse();
        bar0.write32(0x60, 0);                                        // nothing set: edu.c raises only if a cause is
        assertThat(edu.interrupt().raiseCount()).isEqualTo(2);
    }

    @Test
    void theInterruptStatusRegisterIsReadOnly() {
        // "0x24 (RO) : interrupt status register"
        Mmio bar0 = edu().mmio();
        bar0.write32(0x24, 0xffffffff);
        assertThat(bar0.read32(0x24)).isZero();
    }

    @Test
    void unimplementedOffsetsAndTheWriteOnlyRegistersReadAllOnes() {
        // verified on QEMU 7.2: "A 4-byte read of an unimplemented offset (0x10, 0x84, or the WO register 0x60) = 0xffffffff"
        Mmio bar0 = edu().mmio();
        assertThat(bar0.read32(0x10)).isEqualTo(0xffffffff);
        assertThat(bar0.read32(0x84)).isEqualTo(0xffffffff);
        assertThat(bar0.read32(0x60)).isEqualTo(0xffffffff);
        assertThat(bar0.read32(0x64)).isEqualTo(0xffffffff);
        assertThat(bar0.read64(0xff_ff8)).isEqualTo(-1L);
        bar0.write32(0x10, 1);                                        // ignored, nothing to see
        assertThat(bar0.read32(0x10)).isEqualTo(0xffffffff);
    }

    @Test
    void below0x80Only32BitAccessesAreValid() {
        // "Only size == 4 accesses are allowed for addresses < 0x80"; verified: 8-byte read at 0x00 = ~0,
        // 2- and 1-byte reads at 0x00 = 0 (refused before the device), a 2-byte write to 0x08 is ignored
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        assertThat(bar0.read64(0x00)).isEqualTo(0xffffffffffffffffL);
        assertThat(bar0.read16(0x00)).isZero();
        assertThat(bar0.read8(0x00)).isZero();
        bar0.write16(0x08, 5);
        bar0.write64(0x08, 5);
        assertThat(bar0.read32(0x20)).isZero();                       // no computation started
        assertThat(bar0.read32(0x08)).isZero();
        bar0.write8(0x04, 0x12);
        assertThat(bar0.read32(0x04)).isZero();
    }

    @Test
    void dmaRegistersTake32Or64BitAccessesOnlyAtTheirOwnOffsets() {
        // "size == 4 or size == 8 for the rest"; verified: W64 0x80 = 0x1122334455667788 -> R64 the same, R32 0x80 = 0x55667788;
        // W32 0x80 = 0x1000 -> R64 0x1000; W32 0x84 is ignored
        Mmio bar0 = edu().mmio();
        bar0.write64(0x80, 0x1122334455667788L);
        assertThat(bar0.read64(0x80)).isEqualTo(0x1122334455667788L);
        assertThat(bar0.read32(0x80)).isEqualTo(0x55667788);
        bar0.write32(0x80, 0x1000);
        assertThat(bar0.read64(0x80)).isEqualTo(0x1000);
        bar0.write32(0x84, 0xabcd);
        assertThat(bar0.read64(0x80)).isEqualTo(0x1000);
        assertThat(bar0.read32(0x84)).isEqualTo(0xffffffff);
        bar0.write64(0x88, 0x40000);
        bar0.write32(0x90, 100);
        assertThat(bar0.read64(0x88)).isEqualTo(0x40000);
        assertThat(bar0.read64(0x90)).isEqualTo(100);
        assertThat(bar0.read16(0x80)).isZero();
    }

    @Test
    void dmaRegisterWritesAreIgnoredWhileATransferRuns() {
        // verified: "Writes to any DMA register while cmd & 1 is set are ignored (dma_rw)"
        EduDevice edu = EduDevice.builder(guest).dmaDelay(WINDOW).build();
        Mmio bar0 = edu.mmio();
        guestRam.write64(0x100, 0x0807060504030201L);
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            bar0.write64(0x80, RAM_BASE + 0x100);
            bar0.write64(0x88, DMA_BUFFER_ADDRESS);
            bar0.write64(0x90, 8);
            long start = System.nanoTime();
            bar0.write64(0x98, DMA_START);
            bar0.write64(0x80, RAM_BASE + 0x200);
            bar0.write64(0x88, DMA_BUFFER_ADDRESS + 8);
            bar0.write32(0x90, 16);
            bar0.write64(0x98, DMA_START | DMA_TO_RAM);
            long[] during = {bar0.read64(0x80), bar0.read64(0x88), bar0.read64(0x90), bar0.read64(0x98)};
            assumeInsideWindow(start);
            assertThat(during).containsExactly(RAM_BASE + 0x100, DMA_BUFFER_ADDRESS, 8, DMA_START);
            awaitIdle(bar0);

            // the transfer used the registers as they were at start: RAM 0x100 -> buffer 0x40000
            bar0.write64(0x80, DMA_BUFFER_ADDRESS);
            bar0.write64(0x88, RAM_BASE + 0x300);
            bar0.write64(0x98, DMA_START | DMA_TO_RAM);
            awaitIdle(bar0);
            assertThat(guestRam.read64(0x300)).isEqualTo(0x0807060504030201L);
            runner.checkHealthy();
        }
    }

    @Test
    void aCommandWriteWithoutBit0IsIgnoredAndCompletionClearsOnlyBit0() {
        // verified: "after a completed cmd=3, cmd reads 2; then W 2 leaves it at 2"; "clears bit 0 (other cmd bits remain)"
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            bar0.write64(0x80, DMA_BUFFER_ADDRESS);
            bar0.write64(0x88, RAM_BASE);
            bar0.write64(0x90, 4);
            bar0.write64(0x98, 3);
            awaitIdle(bar0);
            assertThat(bar0.read64(0x98)).isEqualTo(2);
            bar0.write64(0x98, 0);
            assertThat(bar0.read64(0x98)).isEqualTo(2);
            bar0.write32(0x98, 6);
            assertThat(bar0.read64(0x98)).isEqualTo(2);
            runner.checkHealthy();
        }
    }

    @Test
    void aFinishedTransferRaisesInterrupt0x100WhenCommandBit2IsSet() {
        // "0x04 -- raise interrupt 0x100 after finishing the DMA"; "0x24 ... 0x00000100 -- DMA done"
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            bar0.write64(0x80, RAM_BASE);
            bar0.write64(0x88, DMA_BUFFER_ADDRESS);
            bar0.write64(0x90, 16);
            bar0.write64(0x98, DMA_START | DMA_IRQ);
            soon().until(() -> edu.interrupt().raiseCount() == 1);
            assertThat(bar0.read32(0x24)).isEqualTo(IRQ_DMA);
            assertThat(bar0.read64(0x98)).isEqualTo(DMA_IRQ);
            assertThat(edu.interrupt().isRaised()).isTrue();

            bar0.write64(0x98, DMA_START);                           // without bit 2: no further interrupt
            awaitIdle(bar0);
            assertThat(edu.interrupt().raiseCount()).isEqualTo(1);
        }
    }

    @Test
    void guestSideAddressesAreMaskedWithTheDmaMask() {
        // edu.c: "DMA addresses are ANDed with the mask" (property dma_mask, default (1 << 28) - 1)
        guestRam.write32(0x40, 0xcafef00d);
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        try (DeviceRunner runner = new DeviceRunner().start(edu)) {
            bar0.write64(0x80, 0xf000_0000L | (RAM_BASE + 0x40));   // bits above 28 are dropped
            bar0.write64(0x88, DMA_BUFFER_ADDRESS);
            bar0.write64(0x90, 4);
            bar0.write64(0x98, DMA_START);
            awaitIdle(bar0);
            bar0.write64(0x80, DMA_BUFFER_ADDRESS);
            bar0.write64(0x88, 0x1_0000_0000L | (RAM_BASE + 0x80));
            bar0.write64(0x98, DMA_START | DMA_TO_RAM);
            awaitIdle(bar0);
            runner.checkHealthy();
        }
        assertThat(guestRam.read32(0x80)).isEqualTo(0xcafef00d);
    }

    @Test
    void aDeviceSideRangeOutsideTheBufferIsAClearDeviceErrorNotAnAbort() {
        // edu.c: the EDU-side range must be within [0x40000, 0x41000); QEMU 7.2 aborts with
        // "EDU: DMA range 0x...40ffa-0x...41009 out of bounds"; this model fails the device instead
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        guestRam.write64(0, 0x1111_1111_1111_1111L);
        DeviceRunner runner = new DeviceRunner().start(edu);
        bar0.write64(0x80, RAM_BASE);
        bar0.write64(0x88, 0x40ffa);
        bar0.write64(0x90, 16);
        bar0.write64(0x98, DMA_START);
        soon().until(() -> runner.failure().isPresent());

        DeviceFailureException failure = catchThrowableOfType(DeviceFailureException.class, runner::stop);
        assertThat(failure.deviceName()).isEqualTo("edu");
        assertThat(failure.getCause()).isInstanceOf(DmaFault.class)
                .hasMessage("device 'edu': DMA write of 16 bytes at 0x40ffa is outside the device's DMA buffer "
                        + "[0x40000, 0x41000); nothing was copied");
    }

    @Test
    void aDmaOfZeroBytesIsRefusedAsQemusRangeCheckRefusesIt() {
        // edu.c edu_check_range(addr, size1, start, size2) passes only if end1 = addr + size1 > addr
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        DeviceRunner runner = new DeviceRunner().start(edu);
        bar0.write64(0x80, RAM_BASE);
        bar0.write64(0x88, DMA_BUFFER_ADDRESS);
        bar0.write64(0x90, 0);
        bar0.write64(0x98, DMA_START);
        soon().until(() -> runner.failure().isPresent());

        assertThatThrownBy(runner::stop).isInstanceOf(DeviceFailureException.class)
                .cause().isInstanceOf(DmaFault.class)
                .hasMessage("device 'edu': DMA write of 0 bytes at 0x40000 refused: a count of 0 is not a range; "
                        + "edu's range check needs the end past the start; nothing was copied");
    }

    @Test
    void aGuestRangeOutsideGuestMemoryIsAClearDeviceError() {
        EduDevice edu = edu();
        Mmio bar0 = edu.mmio();
        DeviceRunner runner = new DeviceRunner().start(edu);
        bar0.write64(0x80, DMA_BUFFER_ADDRESS);
        bar0.write64(0x88, RAM_BASE + 0xfff0);                       // 64 KiB of RAM: the last 16 bytes, then beyond
        bar0.write64(0x90, 32);
        bar0.write64(0x98, DMA_START | DMA_TO_RAM);
        soon().until(() -> runner.failure().isPresent());

        assertThatThrownBy(runner::stop).isInstanceOf(DeviceFailureException.class)
                .cause().isInstanceOf(DmaFault.class)
                .hasMessageContaining("device 'edu': DMA write of 32 bytes at 0x10fff0 is outside guest memory "
                        + "'guest-ram' [0x100000, 0x110000)");
        assertThat(guestRam.read64(0xfff0)).isZero();
    }

    @Test
    void accessesOutsideTheBarOrMisalignedThrowAsEveryIoDoes() {
        Mmio bar0 = edu().mmio();
        assertThat(bar0.size()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> bar0.read32(1 << 20)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("edu-mmio");
        assertThatThrownBy(() -> bar0.read32(0x02)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("misaligned");
    }

    @Test
    void registerAccessesCanBeTraced() {
        AccessTrace trace = new AccessTrace(16);
        Mmio bar0 = EduDevice.builder(guest).name("traced-edu").trace(trace).build().mmio();
        bar0.write32(0x04, 1);
        bar0.read32(0x04);
        assertThat(trace.dump()).contains("traced-edu-mmio MMIO W u32 0x4 = 0x00000001")
                .contains("traced-edu-mmio MMIO R u32 0x4 = 0xfffffffe");
    }
}
