package dev.sysmem.sim.mailbox;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Poll;
import dev.sysmem.io.PollTimeoutException;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.spi.Scheduling;
import dev.sysmem.sim.DeviceGoneException;
import dev.sysmem.sim.DeviceHealth;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.InterruptLine;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import static dev.sysmem.sim.mailbox.MailboxLayout.*;

/**
 * The driver side of the mailbox: issues one command at a time following the protocol of
 * {@link MailboxLayout} and waits for its completion with a deadline.
 *
 * <p>Two ways to wait: {@linkplain #MailboxDriver(SysMem) over shared memory only} it polls
 * COMPLETED with {@link Poll#readPollTimeout} (all a process or guest without interrupts can do);
 * {@linkplain #of(MailboxDevice) in-process} it also rings the device's {@link Doorbell} and
 * sleeps on the completion {@link InterruptLine} between checks of COMPLETED.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Every call ends by its deadline ({@link #timeout()}, default {@link #DEFAULT_TIMEOUT}):
 *       with the reply, or with a {@link MailboxException} saying which request was not completed
 *       and what COMPLETED and DEVICE_STATE held.</li>
 *   <li>A driver {@linkplain #watching watching} its device's {@link DeviceHealth} checks it on
 *       every round of every wait (at least every {@link #HEALTH_CHECK_PERIOD} while asleep on
 *       the interrupt): a device that failed, ended, was removed or whose process died ends the
 *       wait at once with the health's {@link DeviceGoneException}, not at the deadline.</li>
 *   <li>The reply returned belongs to this request: COMPLETED equals its sequence number, read
 *       with acquire, before RESULT and STATUS are read.</li>
 *   <li>Calls from several threads are serialised (one request in flight). A request left in
 *       flight by an earlier timeout is waited for, within the deadline, before a new one.</li>
 * </ul>
 *
 * <pre>{@code
 * MailboxDriver driver = MailboxDriver.of(mailbox);          // or new MailboxDriver(sharedRegion)
 * long sum = driver.add(40, 2);
 * int crc = driver.crc32("hello".getBytes(US_ASCII));        // the data goes through DATA
 * MailboxReply reply = driver.execute(0x99, 0, 0);           // reply.status() == STATUS_UNKNOWN_COMMAND
 * }</pre>
 */
public final class MailboxDriver {

    /** The deadline of each request unless {@link #withTimeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The longest a wait on the completion interrupt sleeps before it checks the device's health. */
    public static final Duration HEALTH_CHECK_PERIOD = Duration.ofMillis(5);

    private static final Duration POLL_SLEEP = Duration.ofNanos(20_000);

    private final SysMem plain;
    private final SysMem ordered;
    private final Doorbell doorbell;
    private final InterruptLine completion;
    private final Duration timeout;
    private final DeviceHealth health;
    private final ReentrantLock lock;

    /**
     * A driver that reaches the device only through {@code region} (the device may be in another
     * process): no doorbell, polls COMPLETED.
     */
    public MailboxDriver(SysMem region) {
        this(region, null, null, DEFAULT_TIMEOUT, DeviceHealth.UNWATCHED, new ReentrantLock());
    }

    private MailboxDriver(SysMem region, Doorbell doorbell, InterruptLine completion, Duration timeout,
                          DeviceHealth health, ReentrantLock lock) {
        Objects.requireNonNull(region, "region");
        if (region.size() < MIN_REGION_SIZE) {
            throw new IllegalArgumentException("mailbox region '" + region.name() + "' is " + region.size()
                    + " bytes; the layout needs at least " + MIN_REGION_SIZE);
        }
        this.plain = region.withMode(AccessMode.OPAQUE);
        this.ordered = region.withMode(AccessMode.ACQUIRE_RELEASE);
        this.doorbell = doorbell;
        this.completion = completion;
        this.timeout = timeout;
        this.health = health;
        this.lock = lock;
    }

    /** A driver for an in-process device: its region, its doorbell (if any) and its completion interrupt. */
    public static MailboxDriver of(MailboxDevice device) {
        return new MailboxDriver(device.region(), device.doorbell().orElse(null), device.completion(),
                DEFAULT_TIMEOUT, DeviceHealth.UNWATCHED, new ReentrantLock());
    }

    /** This driver with another deadline per request (sharing the serialisation of this one). */
    public MailboxDriver withTimeout(Duration newTimeout) {
        Objects.requireNonNull(newTimeout, "timeout");
        if (newTimeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + newTimeout);
        }
        return new MailboxDriver(plain, doorbell, completion, newTimeout, health, lock);
    }

    /**
     * This driver with its waits watching {@code deviceHealth} (sharing the serialisation of this
     * one): {@code runner.health(name)} for a device on a thread, {@code remoteDevice.health()}
     * for one in another process.
     */
    public MailboxDriver watching(DeviceHealth deviceHealth) {
        Objects.requireNonNull(deviceHealth, "deviceHealth");
        return new MailboxDriver(plain, doorbell, completion, timeout, deviceHealth, lock);
    }

    private long timeoutNanos() {
        try {
            return Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** The deadline of each request. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Waits until a device has started on the region (DEVICE_STATE = ready).
     *
     * @throws MailboxException if none did within the deadline
     * @throws DeviceGoneException if the watched device is gone
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitReady() throws InterruptedException {
        try {
            Poll.readPollTimeout(() -> watchedRead(DEVICE_STATE.offset()), s -> s == STATE_READY, POLL_SLEEP, timeout);
        } catch (PollTimeoutException e) {
            throw new MailboxException("mailbox '" + plain.name() + "': no device became ready within " + timeout
                    + " (DEVICE_STATE = " + e.lastValue() + ", MAGIC = 0x"
                    + Integer.toHexString(plain.read32(MAGIC.offset())) + ")", null, e);
        }
    }

    /**
     * Runs {@code command} with {@code arg0} and {@code arg1} and returns the device's reply,
     * whatever its status.
     *
     * @throws MailboxException if the device did not complete the request within the deadline
     * @throws DeviceGoneException if the watched device is gone (checked before and while waiting)
     * @throws InterruptedException if interrupted while waiting
     */
    public MailboxReply execute(int command, long arg0, long arg1) throws InterruptedException {
        Scheduling.lock(lock);
        try {
            long deadline = Scheduling.nanoTime() + timeoutNanos();
            int pending = ordered.read32(DOORBELL.offset());
            awaitCompleted(pending, deadline, false, "an earlier request");
            plain.write32(COMMAND.offset(), command);
            plain.write64(ARG0.offset(), arg0);
            plain.write64(ARG1.offset(), arg1);
            int sequence = pending + 1;
            ordered.write32(DOORBELL.offset(), sequence);   // release: publishes the command and arguments
            if (doorbell != null) {
                doorbell.ring();
            }
            awaitCompleted(sequence, deadline, true, MailboxLayout.commandName(command));
            int status = plain.read32(STATUS.offset());
            long result = plain.read64(RESULT.offset());
            return new MailboxReply(sequence, command, status, result);
        } finally {
            lock.unlock();
        }
    }

    /** ECHO: returns {@code value} as the device read it. */
    public long echo(long value) throws InterruptedException {
        return execute(CMD_ECHO, value, 0).requireOk().result();
    }

    /** ADD: returns {@code a + b} (mod 2<sup>64</sup>) as computed by the device. */
    public long add(long a, long b) throws InterruptedException {
        return execute(CMD_ADD, a, b).requireOk().result();
    }

    /**
     * CRC32: copies {@code data} into the DATA area and returns the CRC-32 the device computed.
     *
     * @throws IllegalArgumentException if the data does not fit the DATA area
     */
    public int crc32(byte[] data) throws InterruptedException {
        long room = plain.size() - DATA_OFFSET;
        if (data.length > room) {
            throw new IllegalArgumentException("mailbox '" + plain.name() + "': " + data.length
                    + " bytes do not fit the DATA area of " + room + " bytes");
        }
        Scheduling.lock(lock);
        try {
            MemorySegment.copy(MemorySegment.ofArray(data), 0, plain.segment(), DATA_OFFSET, data.length);
            return (int) execute(CMD_CRC32, DATA_OFFSET, data.length).requireOk().result();
        } finally {
            lock.unlock();
        }
    }

    private void awaitCompleted(int sequence, long deadline, boolean onInterrupt, String what)
            throws InterruptedException {
        if (completion != null && onInterrupt) {
            while (true) {
                health.check();
                boolean expired = Scheduling.nanoTime() - deadline > 0;
                // Count raises before reading COMPLETED: the device publishes COMPLETED before it
                // pulses, so a completion after this read still wakes the wait below.
                long raises = completion.raiseCount();
                if (ordered.read32(COMPLETED.offset()) == sequence) {
                    return;
                }
                if (expired) {
                    break;
                }
                long slice = Math.min(HEALTH_CHECK_PERIOD.toNanos(), deadline - Scheduling.nanoTime());
                completion.awaitRaised(raises + 1, Duration.ofNanos(Math.max(1, slice)));
            }
        }
        try {
            Duration left = Duration.ofNanos(Math.max(0, deadline - Scheduling.nanoTime()));
            Poll.readPollTimeout(() -> watchedRead(COMPLETED.offset()), c -> c == sequence, POLL_SLEEP, left);
        } catch (PollTimeoutException e) {
            throw new MailboxException("mailbox '" + plain.name() + "': " + what + " (request #"
                    + Integer.toUnsignedString(sequence) + ") was not completed within " + timeout + ": COMPLETED = "
                    + Integer.toUnsignedString((Integer) e.lastValue()) + ", DEVICE_STATE = "
                    + ordered.read32(DEVICE_STATE.offset()) + " (1 = ready); is the device running?", null, e);
        }
    }

    /** One acquire read of a register, after checking that the device can still answer. */
    private int watchedRead(long offset) {
        health.check();
        return ordered.read32(offset);
    }

    @Override
    public String toString() {
        return "MailboxDriver[" + plain.name() + (doorbell == null ? ", polling" : ", doorbell")
                + (completion == null ? "" : ", interrupt") + "]";
    }
}
