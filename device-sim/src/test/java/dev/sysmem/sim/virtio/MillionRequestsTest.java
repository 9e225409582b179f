package dev.sysmem.sim.virtio;

import dev.sysmem.io.Poll;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.Mmio;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver moves a million virtio-blk requests through a {@link RamDisk} behind a
 * {@link VirtioDevice} that a {@link DeviceRunner} runs on its own thread, kicked through
 * {@code QueueNotify} and interrupting through its line: writes of a sector carrying a sequence number and a CRC32C, each followed by a read
 * of the same sector. Every completion is checked in submission order (the device serves one
 * queue in order, so used entries come back in the order chains were made available): nothing
 * lost, nothing duplicated, nothing reordered, every byte intact both ways.
 */
class MillionRequestsTest {

    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long CAPACITY = 4096;
    private static final int SLOT_BYTES = 1024;
    private static final int DATA_AT = 512;
    private static final int STATUS_AT = 16;
    private static final int CHECKSUM_AT = 504;

    @ParameterizedTest(name = "QS {0}, EVENT_IDX {1}, {2} requests")
    @CsvSource({"256, true, 1000000", "256, false, 1000000", "8, true, 300000"})
    void requestsComeBackInOrderAndIntact(int queueSize, boolean eventIdx, int requests) throws Exception {
        RamDisk disk = RamDisk.create(CAPACITY, "million", false);
        VirtioFeatures driverWants = eventIdx
                ? VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX)
                : VirtioFeatures.of(VirtioFeatures.VERSION_1);
        VirtioFeatures features = VirtioFeatures.negotiate(disk.offeredFeatures(), driverWants);
        int slots = queueSize / 3;
        VirtqueueLayout layout = VirtqueueLayout.contiguous(queueSize, 0);
        long slotBase = (layout.end() + 4095) & -4096L;

        try (SharedMemory memory = SharedMemory.anonymous(slotBase + (long) slots * SLOT_BYTES);
             DeviceRunner runner = new DeviceRunner()) {
            SysMem guest = memory.io("guest");
            MemorySegment mem = memory.segment();
            VirtioDevice blk = new VirtioDevice("blk0", RamDisk.DEVICE_ID, guest, layout, features, disk);
            VirtqueueDriver driver = VirtqueueDriver.create("blk0", guest, layout, features, blk.queueNotifier());
            // The interrupt handler, as a driver's request_irq handler: read and acknowledge the
            // status, then wake the driver's thread; harvesting stays on that thread.
            Mmio regs = blk.registers();
            AtomicLong interrupts = new AtomicLong();
            Thread driverThread = Thread.currentThread();
            blk.interrupt().attach(line -> {
                int status = regs.read32(VirtioDevice.INTERRUPT_STATUS.offset());
                regs.write32(VirtioDevice.INTERRUPT_ACK.offset(), status);
                interrupts.incrementAndGet();
                LockSupport.unpark(driverThread);
            });
            runner.start(blk);

            Requests r = new Requests(mem, slotBase, slots, queueSize);
            long start = System.nanoTime();
            driver.disableInterrupts();
            while (r.completed < requests) {
                while (r.submitted < requests && r.freeSlots > 0) {
                    r.submit(driver);
                }
                driver.kickIfNeeded();
                if (driver.harvest(r::complete) == 0) {
                    long seen = interrupts.get();
                    if (driver.enableInterrupts()) {
                        Poll.readPollTimeout(interrupts::get, n -> n != seen || runner.failure().isPresent(),
                                Duration.ofMillis(1), DEADLINE);
                    }
                    driver.disableInterrupts();
                    runner.checkHealthy();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            runner.stop();
            assertThat(r.completed).isEqualTo(requests);
            assertThat(driver.chainsInFlight()).isZero();
            assertThat(driver.freeDescriptors()).isEqualTo(queueSize);
            assertThat(blk.queue().chainsServed()).isEqualTo(requests);
            assertThat(guest.read16(layout.usedIdx())).isEqualTo(requests & 0xffff);
            assertThat(guest.read16(layout.availIdx())).isEqualTo(requests & 0xffff);
            System.out.printf("virtio-blk over RamDisk, QS %d, EVENT_IDX %b: %d requests (%d sectors of 512 B each way) "
                            + "in %.2f s = %.0f requests/s; %d kicks, %d interrupts%n", queueSize, eventIdx, requests,
                    requests / 2, seconds, requests / seconds, driver.kicks(), blk.queue().interruptsSent());
        }
    }

    /**
     * The driver's bookkeeping: request slots in guest memory (header at 0, status at 16, one
     * sector of data at 512), which sequence number each head carries, and the next one expected.
     */
    private static final class Requests {
        final MemorySegment mem;
        final long slotBase;
        final int[] freeSlot;
        final long[] seqOfHead;
        final int[] slotOfHead;
        final long[] addresses = new long[3];
        final long[] lengths = {16, 512, 1};
        final CRC32C crc = new CRC32C();
        int freeSlots;
        long submitted;
        long completed;

        Requests(MemorySegment mem, long slotBase, int slots, int queueSize) {
            this.mem = mem;
            this.slotBase = slotBase;
            this.freeSlot = new int[slots];
            for (int i = 0; i < slots; i++) {
                freeSlot[i] = i;
            }
            this.freeSlots = slots;
            this.seqOfHead = new long[queueSize];
            this.slotOfHead = new int[queueSize];
        }

        /** Request {@code 2k} writes payload {@code k} to sector {@code k mod capacity}; request {@code 2k+1} reads it back. */
        void submit(VirtqueueDriver driver) {
            long seq = submitted;
            int slot = freeSlot[--freeSlots];
            long base = slotBase + (long) slot * SLOT_BYTES;
            boolean write = (seq & 1) == 0;
            long k = seq >>> 1;
            mem.set(LE_INT, base, write ? RamDisk.T_OUT : RamDisk.T_IN);
            mem.set(LE_INT, base + 4, 0);
            mem.set(LE_LONG, base + 8, k % CAPACITY);
            mem.set(ValueLayout.JAVA_BYTE, base + STATUS_AT, (byte) 0x7f);
            MemorySegment data = mem.asSlice(base + DATA_AT, 512);
            if (write) {
                payload(data, k);
            } else {
                data.fill((byte) 0xee);   // the device must overwrite all of it
            }
            addresses[0] = base;
            addresses[1] = base + DATA_AT;
            addresses[2] = base + STATUS_AT;
            int head = write ? driver.add(addresses, lengths, 2, 1) : driver.add(addresses, lengths, 1, 2);
            assertThat(head).as("a free slot means three free descriptors").isNotNegative();
            seqOfHead[head] = seq;
            slotOfHead[head] = slot;
            submitted++;
        }

        void complete(int head, long len) {
            long seq = seqOfHead[head];
            if (seq != completed) {
                throw new AssertionError("completion out of order: expected request " + completed + ", got " + seq
                        + " (head " + head + ")");
            }
            int slot = slotOfHead[head];
            long base = slotBase + (long) slot * SLOT_BYTES;
            int status = mem.get(ValueLayout.JAVA_BYTE, base + STATUS_AT);
            if (status != RamDisk.S_OK) {
                throw new AssertionError("request " + seq + " finished with status " + status);
            }
            boolean write = (seq & 1) == 0;
            if (len != (write ? 1 : 513)) {
                throw new AssertionError("request " + seq + ": used.len " + len);
            }
            if (!write) {
                MemorySegment data = mem.asSlice(base + DATA_AT, 512);
                long k = seq >>> 1;
                if (data.get(LE_LONG, 0) != k || data.get(LE_LONG, CHECKSUM_AT) != checksum(data)) {
                    throw new AssertionError("request " + seq + " read back sector " + (k % CAPACITY)
                            + " with sequence " + data.get(LE_LONG, 0) + " and a bad checksum, expected sequence " + k);
                }
            }
            freeSlot[freeSlots++] = slot;
            completed++;
        }

        private void payload(MemorySegment data, long k) {
            data.set(LE_LONG, 0, k);
            long x = k * 0x9E3779B97F4A7C15L + 1;
            for (int off = 8; off < CHECKSUM_AT; off += 8) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                data.set(LE_LONG, off, x);
            }
            data.set(LE_LONG, CHECKSUM_AT, checksum(data));
        }

        private long checksum(MemorySegment data) {
            crc.reset();
            crc.update(data.asSlice(0, CHECKSUM_AT).asByteBuffer());
            return crc.getValue();
        }
    }
}
