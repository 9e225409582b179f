package dev.sysmem.sim.edu;

import dev.sysmem.io.Io;
import dev.sysmem.io.Poll;
import dev.sysmem.sim.DeviceHealth;
import dev.sysmem.sim.InterruptLine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sysmem.sim.edu.EduLayout.*;

/**
 * A driver for the edu device written from its specification, as a kernel driver would be: it
 * only reads and writes BAR0 and handles the interrupt. Factorials with the interrupt (STATUS bit
 * 0x80) or by polling STATUS bit 0; DMA with the interrupt (command bit 2) or by polling command
 * bit 0, as the specification's example does.
 */
final class EduDriver {

    private static final Duration POLL_SLEEP = Duration.ofNanos(10_000);

    private final Io bar0;
    private final Duration timeout;
    private final AtomicLong factorialInterrupts = new AtomicLong();
    private final AtomicLong dmaInterrupts = new AtomicLong();

    private final DeviceHealth health;

    EduDriver(Io bar0, InterruptLine irq, Duration timeout) {
        this(bar0, irq, timeout, DeviceHealth.UNWATCHED);
    }

    /** A driver whose every wait also watches {@code health}: a dead device ends it at once. */
    EduDriver(Io bar0, InterruptLine irq, Duration timeout, DeviceHealth health) {
        this.bar0 = bar0;
        this.timeout = timeout;
        this.health = health;
        irq.attach(this::handleInterrupt);
    }

    /** The interrupt handler: reads the causes and acknowledges them, as the spec asks. */
    private void handleInterrupt(InterruptLine line) {
        int causes = bar0.read32(IRQ_STATUS.offset());
        if ((causes & IRQ_FACTORIAL) != 0) {
            factorialInterrupts.incrementAndGet();
        }
        if ((causes & IRQ_DMA) != 0) {
            dmaInterrupts.incrementAndGet();
        }
        bar0.write32(IRQ_ACK.offset(), causes);
    }

    long factorialInterrupts() {
        return factorialInterrupts.get();
    }

    long dmaInterrupts() {
        return dmaInterrupts.get();
    }

    int checkLiveness(int value) {
        bar0.write32(LIVENESS.offset(), value);
        return bar0.read32(LIVENESS.offset());
    }

    /** n! mod 2^32, waiting for the factorial interrupt. */
    int factorialWithInterrupt(int n) throws InterruptedException {
        bar0.write32(STATUS.offset(), STATUS_IRQ_ON_FACTORIAL);
        long before = factorialInterrupts.get();
        bar0.write32(FACTORIAL.offset(), n);
        Poll.readPollTimeout(health.guard(factorialInterrupts::get), count -> count > before, POLL_SLEEP, timeout);
        return bar0.read32(FACTORIAL.offset());
    }

    /** n! mod 2^32, polling STATUS bit 0. */
    int factorialPolling(int n) throws InterruptedException {
        bar0.write32(STATUS.offset(), 0);
        bar0.write32(FACTORIAL.offset(), n);
        Poll.readPollTimeout(health.guard(() -> bar0.read32(STATUS.offset())), s -> (s & STATUS_COMPUTING) == 0, POLL_SLEEP, timeout);
        return bar0.read32(FACTORIAL.offset());
    }

    /** Copies {@code count} bytes from guest RAM at {@code ram} to the device buffer at {@code device}. */
    void toDevice(long ram, long device, long count, boolean interrupt) throws InterruptedException {
        transfer(ram, device, count, 0, interrupt);
    }

    /** Copies {@code count} bytes from the device buffer at {@code device} to guest RAM at {@code ram}. */
    void toRam(long device, long ram, long count, boolean interrupt) throws InterruptedException {
        transfer(device, ram, count, DMA_TO_RAM, interrupt);
    }

    private void transfer(long source, long destination, long count, long direction, boolean interrupt)
            throws InterruptedException {
        bar0.write64(DMA_SOURCE.offset(), source);
        bar0.write64(DMA_DESTINATION.offset(), destination);
        bar0.write64(DMA_COUNT.offset(), count);
        long before = dmaInterrupts.get();
        bar0.write64(DMA_COMMAND.offset(), DMA_START | direction | (interrupt ? DMA_IRQ : 0));
        if (interrupt) {
            Poll.readPollTimeout(health.guard(dmaInterrupts::get), c -> c > before, POLL_SLEEP, timeout);
        } else {
            Poll.readPollTimeout(health.guard(() -> bar0.read64(DMA_COMMAND.offset())), c -> (c & DMA_START) == 0, POLL_SLEEP, timeout);
        }
    }
}
