package dev.sysmem.explore.races;

import dev.sysmem.explore.ExploredRun;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxDriver;
import dev.sysmem.sim.mailbox.MailboxLayout;

import java.time.Duration;

/**
 * Two threads submit to one mailbox through two {@link MailboxDriver}s: no one owns the mailbox.
 *
 * <p>Each driver serialises its own calls, but the two do not know each other. Both can read
 * DOORBELL = COMPLETED (idle), both write COMMAND and ARG0, both publish DOORBELL = 1: the device
 * runs one request, with whichever arguments were written last, and both drivers see COMPLETED = 1
 * and take that one reply as theirs. The fix gives the mailbox one owner: both threads call the
 * same driver, whose lock keeps one request in flight.
 */
public final class MailboxWithoutOwner {

    /** The race and its fix. */
    public static final KnownRace RACE = new KnownRace("two drivers share one mailbox without ownership",
            run -> drive(run, false), run -> drive(run, true));

    private static final Duration DEADLINE = Duration.ofMillis(50);

    private MailboxWithoutOwner() {
    }

    private static void drive(ExploredRun run, boolean oneOwner) throws Exception {
        SysMem region = run.memory("mailbox", MailboxLayout.MIN_REGION_SIZE);
        MailboxDevice mailbox = MailboxDevice.builder("mailbox", region).doorbell().build();
        MailboxDriver shared = MailboxDriver.of(mailbox).withTimeout(DEADLINE);
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            shared.awaitReady();
            for (long id = 1; id <= 2; id++) {
                long value = id * 100;
                MailboxDriver driver = oneOwner ? shared : MailboxDriver.of(mailbox).withTimeout(DEADLINE);
                run.thread("driver-" + id, () -> {
                    long echoed = driver.echo(value);
                    if (echoed != value) {
                        throw new AssertionError("ECHO " + value + " answered " + echoed + ": another driver's reply");
                    }
                });
            }
            run.joinAll();
            runner.checkHealthy();
        }
    }
}
