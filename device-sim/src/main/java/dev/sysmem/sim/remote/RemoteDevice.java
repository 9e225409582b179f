package dev.sysmem.sim.remote;

import dev.sysmem.io.Poll;
import dev.sysmem.io.PollTimeoutException;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.spi.Scheduling;
import dev.sysmem.sim.DeviceGoneException;
import dev.sysmem.sim.DeviceHealth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import static dev.sysmem.sim.remote.RemoteLayout.*;

/**
 * The driver side of a device run by another process over a shared file (its host is a
 * {@link RemoteDeviceHost}, for example the {@code sysmem-sim run} command): finds the device,
 * checks it is the kind expected, waits for it to be ready, hands the driver the device's region,
 * and tells when the device has died.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>{@link #connect} ends by its deadline: with a ready device, or with a
 *       {@link RemoteDeviceException} that names the file and says what was wrong (no file, not a
 *       device file, another layout version, another kind, a header that contradicts the file's
 *       size, or a device still starting), or with a {@link RemoteDeviceDiedException} if the
 *       device had already stopped or failed or its process is gone.</li>
 *   <li>{@link #checkAlive()} throws {@link RemoteDeviceDiedException} once the host wrote STOPPED,
 *       REMOVED or FAILED (with its reason), once the host process no longer exists, or once the heartbeat
 *       has not moved for {@link #staleAfter()}: a device killed with {@code SIGKILL} is noticed at
 *       the next check, one frozen or in another PID namespace within {@code staleAfter}. It never
 *       reports a device dead that beat within {@code staleAfter} and whose process lives.</li>
 *   <li>The region is an ordinary {@link SysMem} over the device's bytes: the driver's accesses
 *       cost what they cost in-process; liveness is checked only when asked, or on every round of
 *       a driver wait that watches {@link #health()}.</li>
 *   <li>{@link #health()} reads MAGIC and STATE on every check and asks the operating system
 *       about the host process at most every {@link #PROCESS_CHECK_PERIOD}: a stop, failure or
 *       removal ends a driver's wait within one poll, a {@code kill -9} within that period.</li>
 *   <li>A removal (STATE = REMOVED) is not a stop: once it is seen, the region is unmapped here,
 *       so every later access of the driver throws {@link IllegalStateException} instead of
 *       returning old data.</li>
 * </ul>
 * Safe to use from several threads.
 *
 * <pre>{@code
 * // another process ran: sysmem-sim run mailbox --file /dev/shm/mbox --create
 * try (RemoteDevice device = RemoteDevice.connect(Path.of("/dev/shm/mbox"), "mailbox", Duration.ofSeconds(10))) {
 *     MailboxDriver driver = new MailboxDriver(device.region());
 *     long sum = driver.add(40, 2);
 *     device.checkAlive();             // RemoteDeviceDiedException if the device process went away
 * }
 * }</pre>
 */
public final class RemoteDevice implements AutoCloseable {

    /** The shortest {@link #staleAfter()} chosen by default. */
    public static final Duration MIN_STALE_AFTER = Duration.ofSeconds(2);
    /** By default a heartbeat is stale after this many of the host's periods (or {@link #MIN_STALE_AFTER}). */
    public static final int STALE_PERIODS = 20;

    /** How often {@link #health()} asks the operating system whether the host process lives. */
    public static final Duration PROCESS_CHECK_PERIOD = Duration.ofMillis(10);

    private static final Duration CONNECT_POLL = Duration.ofMillis(1);

    private final Path file;
    private final SharedMemory memory;
    private final RemoteHeader header;
    private final String kind;
    private final SysMem region;
    private final long pid;
    private final long processStart;
    private final Duration heartbeatPeriod;
    private final Duration staleAfter;
    private long lastBeat;
    private long lastBeatSeenAt;
    private volatile long nextProcessCheck;
    private volatile RemoteDeviceDiedException death;

    private RemoteDevice(Path file, SharedMemory memory, RemoteHeader header, String kind, SysMem region,
                         Duration staleAfterOrNull) {
        this.file = file;
        this.memory = memory;
        this.header = header;
        this.kind = kind;
        this.region = region;
        this.pid = header.pid();
        this.processStart = header.processStartMillis();
        this.heartbeatPeriod = Duration.ofNanos(header.heartbeatPeriodNanos());
        this.staleAfter = staleAfterOrNull != null ? staleAfterOrNull : defaultStaleAfter(heartbeatPeriod);
        this.lastBeat = header.heartbeat();
        this.lastBeatSeenAt = System.nanoTime();
    }

    private static Duration defaultStaleAfter(Duration period) {
        Duration periods = period.multipliedBy(STALE_PERIODS);
        return periods.compareTo(MIN_STALE_AFTER) > 0 ? periods : MIN_STALE_AFTER;
    }

    /**
     * {@link #connect(Path, String, Duration, Duration)} with the default {@link #staleAfter()}:
     * {@value #STALE_PERIODS} heartbeat periods of the host, at least {@link #MIN_STALE_AFTER}.
     */
    public static RemoteDevice connect(Path file, String kind, Duration deadline) throws IOException, InterruptedException {
        return connect(file, kind, deadline, null);
    }

    /**
     * Waits, at most {@code deadline}, for the device of {@code kind} in {@code file} to be ready,
     * and maps its region. The file may not exist yet when this is called.
     *
     * @param staleAfter how long the heartbeat may stand still before the device counts as dead
     * @throws RemoteDeviceException if the file is not a ready device of that kind by the deadline
     * @throws RemoteDeviceDiedException if the device already stopped or failed, or its process is gone
     * @throws IOException if the file cannot be mapped
     * @throws InterruptedException if interrupted while waiting
     */
    public static RemoteDevice connect(Path file, String kind, Duration deadline, Duration staleAfter)
            throws IOException, InterruptedException {
        Objects.requireNonNull(file, "file");
        RemoteLayout.checkKind(kind);
        Objects.requireNonNull(deadline, "deadline");
        if (staleAfter != null && (staleAfter.isNegative() || staleAfter.isZero())) {
            throw new IllegalArgumentException("staleAfter must be positive, was " + staleAfter);
        }
        long start = System.nanoTime();
        long fileSize = awaitFile(file, deadline);
        SharedMemory memory = SharedMemory.open(file, fileSize);
        try {
            RemoteHeader header = new RemoteHeader(memory.io(file.toString()));
            awaitMagic(file, header, remaining(start, deadline), deadline);
            checkIdentity(file, header, kind, fileSize);
            SysMem region = memory.io().slice(header.regionOffset(), header.regionSize()).withName(kind + "@" + file);
            RemoteDevice device = new RemoteDevice(file, memory, header, kind, region, staleAfter);
            device.awaitReady(remaining(start, deadline), deadline);
            return device;
        } catch (InterruptedException | RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    private static Duration remaining(long start, Duration deadline) {
        Duration left = deadline.minusNanos(System.nanoTime() - start);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static long awaitFile(Path file, Duration deadline) throws InterruptedException {
        try {
            return Poll.readPollTimeout(() -> sizeOf(file), size -> size >= HEADER_SIZE, CONNECT_POLL, deadline);
        } catch (PollTimeoutException e) {
            long size = (Long) e.lastValue();
            throw new RemoteDeviceException(file, size < 0
                    ? "no device file at " + file + " within " + deadline + "; is the device process running?"
                    : "shared file " + file + " is " + size + " bytes, smaller than a device header ("
                    + HEADER_SIZE + " bytes), after " + deadline + "; is it a device file?", e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void awaitMagic(Path file, RemoteHeader header, Duration left, Duration deadline)
            throws InterruptedException {
        try {
            Poll.readPollTimeout(header::magic, magic -> magic != 0, CONNECT_POLL, left);
        } catch (PollTimeoutException e) {
            throw new RemoteDeviceException(file, "no device announced itself in " + file + " within " + deadline
                    + " (MAGIC is still 0); is the device process running?", e);
        }
    }

    private static void checkIdentity(Path file, RemoteHeader header, String kind, long fileSize) {
        long magic = header.magic();
        if (magic != MAGIC_VALUE) {
            throw new RemoteDeviceException(file, file + " is not a sysmem device file: MAGIC is 0x"
                    + Long.toHexString(magic) + ", expected " + MAGIC_VALUE_HEX + " (\"SYSMEMDV\")", null);
        }
        int version = header.layoutVersion();
        if (version != LAYOUT_VERSION_VALUE) {
            throw new RemoteDeviceException(file, file + " has header layout version " + Integer.toUnsignedString(version)
                    + "; this driver reads version " + LAYOUT_VERSION_VALUE, null);
        }
        String found = header.kind();
        if (!found.equals(kind)) {
            throw new RemoteDeviceException(file, file + " holds a '" + found + "' device, not a '" + kind + "' device", null);
        }
        long offset = header.regionOffset();
        long size = header.regionSize();
        if (offset < HEADER_SIZE || size <= 0 || offset > fileSize || size > fileSize - offset) {
            throw new RemoteDeviceException(file, file + ": the header puts the '" + kind + "' region at offset 0x"
                    + Long.toHexString(offset) + ", " + size + " bytes, but the file is " + fileSize + " bytes", null);
        }
    }

    private void awaitReady(Duration left, Duration deadline) throws InterruptedException {
        try {
            Poll.readPollTimeout(header::stateCode, code -> code != RemoteState.STARTING.code() || processGone(),
                    CONNECT_POLL, left);
        } catch (PollTimeoutException e) {
            throw new RemoteDeviceException(file, "the '" + kind + "' device in " + file + " did not become ready within "
                    + deadline + ": " + describe(), e);
        }
        // A host killed while ready leaves READY behind: only its process or heartbeat tells.
        checkAlive();
        if (state() != RemoteState.READY) {
            throw new RemoteDeviceException(file, "the '" + kind + "' device in " + file + " is not ready: " + describe(), null);
        }
    }

    /** The device's file. */
    public Path file() {
        return file;
    }

    /** The device kind, as found in KIND. */
    public String kind() {
        return kind;
    }

    /**
     * The device's region, where the driver reads and writes: an {@link dev.sysmem.io.AccessMode#OPAQUE},
     * little-endian view named {@code kind@file}.
     */
    public SysMem region() {
        return region;
    }

    /** The host process's id, or 0 if it did not say. */
    public long pid() {
        return pid;
    }

    /** The host's heartbeat period. */
    public Duration heartbeatPeriod() {
        return heartbeatPeriod;
    }

    /** How long the heartbeat may stand still before {@link #checkAlive()} takes the device for dead. */
    public Duration staleAfter() {
        return staleAfter;
    }

    /**
     * The STATE word now.
     *
     * @throws RemoteDeviceException if it holds a value no host writes
     */
    public RemoteState state() {
        int code = header.stateCode();
        return RemoteState.of(code).orElseThrow(() -> new RemoteDeviceException(file, file
                + ": STATE holds " + Integer.toUnsignedString(code) + ", which no host writes; is the header corrupt?", null));
    }

    /** The HEARTBEAT word now. */
    public long heartbeat() {
        return header.heartbeat();
    }

    /** The host's account of why the device failed, if it wrote one. */
    public Optional<String> failure() {
        String failure = header.failure();
        return failure.isEmpty() ? Optional.empty() : Optional.of(failure);
    }

    /**
     * Throws if the device has died: see the class comment for what counts.
     *
     * @throws RemoteDeviceDiedException naming the file, the kind and what showed the death
     */
    public synchronized void checkAlive() {
        if (death != null) {
            throw death;
        }
        long magic = header.magic();
        if (magic != MAGIC_VALUE) {
            throw died("its header was withdrawn (MAGIC is 0x" + Long.toHexString(magic)
                    + "): the file was reused by another host", null, DeviceGoneException.Reason.STOPPED);
        }
        RemoteState state = state();
        if (state == RemoteState.FAILED) {
            throw died("it failed: " + header.failure(), state, DeviceGoneException.Reason.FAILED);
        }
        if (state == RemoteState.STOPPED) {
            throw died("it was stopped", state, DeviceGoneException.Reason.STOPPED);
        }
        if (state == RemoteState.REMOVED) {
            RemoteDeviceDiedException removed = died("it was removed; its region is unmapped here, so accesses to it fail",
                    state, DeviceGoneException.Reason.REMOVED);
            death = removed;
            memory.close();
            throw removed;
        }
        if (processGone()) {
            throw died("its process " + pid + " is gone", state, DeviceGoneException.Reason.PROCESS_GONE);
        }
        long beat = header.heartbeat();
        long now = System.nanoTime();
        if (beat != lastBeat) {
            lastBeat = beat;
            lastBeatSeenAt = now;
        } else if (now - lastBeatSeenAt > staleAfter.toNanos()) {
            throw died("its heartbeat has not moved for " + Duration.ofNanos(now - lastBeatSeenAt).toMillis()
                    + " ms (stuck at " + beat + ", period " + heartbeatPeriod.toMillis() + " ms, stale after "
                    + staleAfter.toMillis() + " ms)", state, DeviceGoneException.Reason.HEARTBEAT_STALE);
        }
    }

    /** Whether {@link #checkAlive()} would pass now. */
    public boolean isAlive() {
        try {
            checkAlive();
            return true;
        } catch (RemoteDeviceDiedException e) {
            return false;
        }
    }

    private RemoteDeviceDiedException died(String how, RemoteState state, DeviceGoneException.Reason reason) {
        long endedAt = state != null && state.isEnd() ? header.endedAtMillis() : 0;
        Instant when = endedAt != 0 ? Instant.ofEpochMilli(endedAt) : Instant.now();
        return new RemoteDeviceDiedException(file, "the '" + kind + "' device in " + file + " died: " + how, state,
                state == RemoteState.FAILED ? header.failure() : null, reason, when);
    }

    /**
     * The device's health, for the waits of its driver ({@code MailboxDriver.watching}): each check
     * reads MAGIC and STATE, and at most every {@link #PROCESS_CHECK_PERIOD} does the whole of
     * {@link #checkAlive()} (process and heartbeat). A death is reported as a
     * {@link DeviceGoneException} named {@code kind@file}, with the {@link RemoteDeviceDiedException}
     * as its cause.
     */
    public DeviceHealth health() {
        return this::checkHealth;
    }

    private void checkHealth() {
        RemoteDeviceDiedException known = death;
        if (known == null) {
            long now = Scheduling.nanoTime();
            int code = header.stateCode();
            boolean ended = code != RemoteState.READY.code() && code != RemoteState.STARTING.code();
            if (!ended && header.magic() == MAGIC_VALUE && now - nextProcessCheck < 0) {
                return;
            }
            nextProcessCheck = now + PROCESS_CHECK_PERIOD.toNanos();
            try {
                checkAlive();
                return;
            } catch (RemoteDeviceDiedException e) {
                known = e;
            }
        }
        throw new DeviceGoneException(kind + "@" + file, known.reason(), known.when(), known.getMessage(), known);
    }

    private boolean processGone() {
        return pid != 0 && !DeviceFile.isAlive(pid, processStart);
    }

    private String describe() {
        int code = header.stateCode();
        String state = RemoteState.of(code).map(Enum::name).orElse(Integer.toUnsignedString(code));
        return "STATE " + state + ", HEARTBEAT " + header.heartbeat() + ", PID " + pid
                + (pid == 0 ? "" : processGone() ? " (gone)" : " (running)");
    }

    /** Unmaps the file; the device keeps running. Idempotent. */
    @Override
    public void close() {
        memory.close();
    }

    @Override
    public String toString() {
        return "RemoteDevice[" + kind + "@" + file + (memory.isOpen() ? ", " + describe() : ", closed") + "]";
    }
}
