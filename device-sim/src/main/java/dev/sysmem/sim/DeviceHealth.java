package dev.sysmem.sim;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether the device a driver waits for can still answer: checked by the driver's waits on every
 * round, so that a device that failed, ended, was removed or whose process died ends the wait at
 * once with a {@link DeviceGoneException} instead of running out its timeout.
 *
 * <p><b>Contract.</b> {@link #check()} returns normally while the device may still answer and
 * throws {@link DeviceGoneException} once it provably cannot; once it has thrown, it throws on
 * every later call. It is cheap enough to call on every poll of a register (a few volatile reads;
 * anything that costs a system call is rate-limited by the implementation) and safe to call from
 * any thread.
 *
 * <p>Where a health comes from: {@link DeviceRunner#health(String)} for a device on a thread of
 * this process, {@code RemoteDevice.health()} for one in another process. {@link #UNWATCHED} is
 * for a driver whose device nobody can observe (a real device behind a BAR, a guest): its waits
 * end at their timeouts only.
 *
 * <pre>{@code
 * MailboxDriver driver = MailboxDriver.of(mailbox).watching(runner.health("mailbox"));
 * driver.add(40, 2);   // DeviceGoneException within milliseconds if the device thread throws
 *
 * // any Poll of a driver of your own: the health is checked before every read
 * int status = Poll.readPollTimeout(health.guard(() -> io.read32(STATUS)), s -> (s & 1) == 0,
 *         Duration.ofNanos(10_000), Duration.ofSeconds(1));
 * }</pre>
 */
@FunctionalInterface
public interface DeviceHealth {

    /** A health that never reports anything: waits end at their timeouts only. */
    DeviceHealth UNWATCHED = () -> { };

    /**
     * Returns if the device may still answer.
     *
     * @throws DeviceGoneException naming the device, what happened to it and when
     */
    void check();

    /**
     * {@code read} preceded by {@link #check()}: hand it to {@link dev.sysmem.io.Poll} and the
     * poll ends with {@link DeviceGoneException} as soon as the device is gone, since exceptions
     * of the read come out of a poll unchanged.
     */
    default <T> Supplier<T> guard(Supplier<T> read) {
        Objects.requireNonNull(read, "read");
        return () -> {
            check();
            return read.get();
        };
    }
}
