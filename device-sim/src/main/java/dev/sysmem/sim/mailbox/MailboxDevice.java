package dev.sysmem.sim.mailbox;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Io;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.InterruptLine;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static dev.sysmem.sim.mailbox.MailboxLayout.*;

/**
 * A mailbox/doorbell device: the driver puts a command and its arguments in a register block in
 * shared memory and rings; the device runs the command on its own thread, posts the result and
 * status, publishes completion and pulses a completion interrupt. The simplest complete device
 * model, and one that needs no trapping: the layout and protocol are in {@link MailboxLayout}, so
 * the driver may be a thread of this JVM ({@link MailboxDriver}), another process mapping the same
 * file, or a QEMU guest using ivshmem.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Every request whose DOORBELL store the device sees is answered exactly once: result and
 *       status first, then COMPLETED with a release store, then one {@link InterruptLine#pulse()}
 *       of {@link #completion()}. A request made before the device started is answered when it
 *       starts.</li>
 *   <li>With a {@link Doorbell} ({@link Builder#doorbell}), an idle device parks until it rings,
 *       without polling; it still rechecks the DOORBELL word every {@link #IDLE_RECHECK}, so a
 *       driver that cannot ring (another process) is only slower, never lost. Without one, the
 *       device polls the word, spinning briefly and then backing off to at most
 *       {@link DeviceContext#MAX_POLL_BACKOFF} between reads.</li>
 *   <li>Bad requests are answered, not fatal: an unknown command or an out-of-range buffer gets an
 *       error STATUS. Only the memory going away (closed, truncated) makes the device fail.</li>
 *   <li>With an {@link AccessTrace}, the device records its accesses of each request and of
 *       start-up (not its idle polling reads).</li>
 * </ul>
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.anonymous(MailboxLayout.MIN_REGION_SIZE)) {
 *     MailboxDevice mailbox = MailboxDevice.builder("mbox", shm.io("mbox")).doorbell().build();
 *     try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
 *         MailboxDriver driver = MailboxDriver.of(mailbox);
 *         long sum = driver.add(40, 2);                  // 42, computed on thread device-mbox
 *     }
 * }
 * }</pre>
 */
public final class MailboxDevice implements Device {

    /** With a doorbell, how often an idle device still looks at the DOORBELL word. */
    public static final Duration IDLE_RECHECK = Duration.ofMillis(50);

    private static final int CRC_CHUNK = 1 << 20;

    private final String name;
    private final SysMem region;
    private final Doorbell doorbell;
    private final InterruptLine completion;
    private final SysMem orderedRaw;
    private final Io plain;
    private final Io ordered;
    private final AtomicLong served = new AtomicLong();

    private MailboxDevice(Builder b) {
        this.name = b.name;
        this.region = b.region;
        this.doorbell = b.doorbell;
        this.completion = new InterruptLine(name + "-completion");
        SysMem opaque = region.withMode(AccessMode.OPAQUE);
        this.orderedRaw = region.withMode(AccessMode.ACQUIRE_RELEASE);
        this.plain = b.trace == null ? opaque : b.trace.wrap(opaque);
        this.ordered = b.trace == null ? orderedRaw : b.trace.wrap(orderedRaw);
    }

    /**
     * Starts a mailbox called {@code name} over {@code region}, its register block at offset 0.
     *
     * @throws IllegalArgumentException if the region is smaller than {@link MailboxLayout#MIN_REGION_SIZE},
     *                                  read-only, or refuses 32- or 64-bit accesses
     */
    public static Builder builder(String name, SysMem region) {
        return new Builder(name, region);
    }

    @Override
    public String name() {
        return name;
    }

    /** The shared region holding the register block and DATA. */
    public SysMem region() {
        return region;
    }

    /** The in-process doorbell that wakes the device, if it has one. */
    public Optional<Doorbell> doorbell() {
        return Optional.ofNullable(doorbell);
    }

    /** Pulsed once per completed request, after COMPLETED is published. */
    public InterruptLine completion() {
        return completion;
    }

    /** How many requests the device has completed since it was made. */
    public long served() {
        return served.get();
    }

    @Override
    public void run(DeviceContext context) throws InterruptedException {
        plain.write32(MAGIC.offset(), MAGIC_VALUE);
        plain.write32(VERSION.offset(), VERSION_VALUE);
        int completed = ordered.read32(COMPLETED.offset());
        ordered.write32(DEVICE_STATE.offset(), STATE_READY);
        while (!context.isStopping()) {
            long rings = doorbell == null ? 0 : doorbell.count();
            // Acquire: the command and arguments the driver wrote before its release store are visible.
            int requested = orderedRaw.read32(DOORBELL.offset());
            if (requested != completed) {
                serve(requested);
                completed = requested;
                continue;
            }
            if (doorbell != null) {
                context.awaitRing(doorbell, rings, IDLE_RECHECK);
            } else {
                int idle = completed;
                context.pollUntil(() -> orderedRaw.read32(DOORBELL.offset()) != idle, IDLE_RECHECK);
            }
        }
        ordered.write32(DEVICE_STATE.offset(), STATE_STOPPED);
    }

    private void serve(int sequence) {
        int command = plain.read32(COMMAND.offset());
        long arg0 = plain.read64(ARG0.offset());
        long arg1 = plain.read64(ARG1.offset());
        long result;
        int status = STATUS_OK;
        switch (command) {
            case CMD_ECHO -> result = arg0;
            case CMD_ADD -> result = arg0 + arg1;
            case CMD_CRC32 -> {
                if (insideData(arg0, arg1)) {
                    result = crc32(arg0, arg1);
                } else {
                    result = 0;
                    status = STATUS_OUT_OF_RANGE;
                }
            }
            default -> {
                result = Integer.toUnsignedLong(command);
                status = STATUS_UNKNOWN_COMMAND;
            }
        }
        plain.write64(RESULT.offset(), result);
        plain.write32(STATUS.offset(), status);
        ordered.write32(COMPLETED.offset(), sequence);
        served.incrementAndGet();
        completion.pulse();
    }

    private boolean insideData(long offset, long length) {
        long size = region.size();
        return offset >= DATA_OFFSET && offset <= size && length >= 0 && length <= size - offset;
    }

    private long crc32(long offset, long length) {
        CRC32 crc = new CRC32();
        MemorySegment data = region.segment();
        for (long done = 0; done < length; done += CRC_CHUNK) {
            long chunk = Math.min(CRC_CHUNK, length - done);
            crc.update(data.asSlice(offset + done, chunk).asByteBuffer());
        }
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "MailboxDevice[" + name + ", " + region.name() + ", " + served() + " served"
                + (doorbell == null ? ", polling" : ", doorbell") + "]";
    }

    /** Options of a {@link MailboxDevice}. */
    public static final class Builder {
        private final String name;
        private final SysMem region;
        private Doorbell doorbell;
        private AccessTrace trace;

        private Builder(String name, SysMem region) {
            this.name = Objects.requireNonNull(name, "name");
            this.region = Objects.requireNonNull(region, "region");
            if (region.size() < MIN_REGION_SIZE) {
                throw new IllegalArgumentException("mailbox '" + name + "': region '" + region.name() + "' is "
                        + region.size() + " bytes; the mailbox needs at least " + MIN_REGION_SIZE);
            }
            if (region.isReadOnly()) {
                throw new IllegalArgumentException("mailbox '" + name + "': region '" + region.name() + "' is read-only");
            }
            if (!region.supports(Width.U32) || !region.supports(Width.U64)) {
                throw new IllegalArgumentException("mailbox '" + name + "': region '" + region.name()
                        + "' must accept 32- and 64-bit accesses, accepts " + region.widths());
            }
        }

        /** Wakes the device with {@code bell} (which the in-process driver rings) instead of polling. */
        public Builder doorbell(Doorbell bell) {
            this.doorbell = Objects.requireNonNull(bell, "doorbell");
            return this;
        }

        /** Wakes the device with a new doorbell named {@code <name>-doorbell}. */
        public Builder doorbell() {
            return doorbell(new Doorbell(name + "-doorbell"));
        }

        /** Records the device's accesses into {@code accessTrace}. */
        public Builder trace(AccessTrace accessTrace) {
            this.trace = Objects.requireNonNull(accessTrace, "trace");
            return this;
        }

        /** The device. */
        public MailboxDevice build() {
            return new MailboxDevice(this);
        }
    }
}
