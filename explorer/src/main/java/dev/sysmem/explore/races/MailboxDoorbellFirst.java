package dev.sysmem.explore.races;

import dev.sysmem.explore.ExploredRun;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Poll;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxLayout;

import java.time.Duration;

import static dev.sysmem.sim.mailbox.MailboxLayout.ARG0;
import static dev.sysmem.sim.mailbox.MailboxLayout.ARG1;
import static dev.sysmem.sim.mailbox.MailboxLayout.CMD_ADD;
import static dev.sysmem.sim.mailbox.MailboxLayout.COMMAND;
import static dev.sysmem.sim.mailbox.MailboxLayout.COMPLETED;
import static dev.sysmem.sim.mailbox.MailboxLayout.DEVICE_STATE;
import static dev.sysmem.sim.mailbox.MailboxLayout.DOORBELL;
import static dev.sysmem.sim.mailbox.MailboxLayout.RESULT;
import static dev.sysmem.sim.mailbox.MailboxLayout.STATE_READY;
import static dev.sysmem.sim.mailbox.MailboxLayout.STATUS;
import static dev.sysmem.sim.mailbox.MailboxLayout.STATUS_OK;

/**
 * A mailbox driver that writes the DOORBELL word before the command and its arguments.
 *
 * <p>The mailbox device (here without an in-process doorbell, as a device in another process or
 * behind QEMU is) polls the DOORBELL word, and runs the command it then finds in
 * COMMAND/ARG0/ARG1. A driver that publishes the new sequence number first and fills in the
 * command after has a window in which the device runs whatever the command words held (here:
 * zero, an unknown command). The fix is the protocol's order: command and arguments, then the
 * DOORBELL release store that publishes them.
 */
public final class MailboxDoorbellFirst {

    /** The race and its fix. */
    public static final KnownRace RACE = new KnownRace("mailbox doorbell written before the command",
            run -> drive(run, true), run -> drive(run, false));

    private static final Duration POLL = Duration.ofNanos(50_000);
    private static final Duration DEADLINE = Duration.ofMillis(50);

    private MailboxDoorbellFirst() {
    }

    private static void drive(ExploredRun run, boolean doorbellFirst) throws Exception {
        SysMem region = run.memory("mailbox", MailboxLayout.MIN_REGION_SIZE);
        MailboxDevice mailbox = MailboxDevice.builder("mailbox", region).build();
        SysMem ordered = region.withMode(AccessMode.ACQUIRE_RELEASE);
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            Poll.readPollTimeout(() -> ordered.read32(DEVICE_STATE.offset()), s -> s == STATE_READY, POLL, DEADLINE);
            if (doorbellFirst) {
                ordered.write32(DOORBELL.offset(), 1);
            }
            region.write32(COMMAND.offset(), CMD_ADD);
            region.write64(ARG0.offset(), 40);
            region.write64(ARG1.offset(), 2);
            if (!doorbellFirst) {
                ordered.write32(DOORBELL.offset(), 1);
            }
            Poll.readPollTimeout(() -> ordered.read32(COMPLETED.offset()), c -> c == 1, POLL, DEADLINE);
            int status = region.read32(STATUS.offset());
            long result = region.read64(RESULT.offset());
            if (status != STATUS_OK || result != 42) {
                throw new AssertionError("ADD 40 2 answered status " + status + ", result " + result
                        + ": the device ran the request before its command was written");
            }
            runner.checkHealthy();
        }
    }
}
