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
 * A mailbox driver that writes the command in the right order but rings with an {@code OPAQUE}
 * DOORBELL store where the protocol needs a release store.
 *
 * <p>Nothing orders the command and arguments before the DOORBELL word, so a device that sees the
 * new DOORBELL value may still read the old command words. x86-64 keeps stores in order, so on
 * free-running threads here the bug never shows; on aarch64 or POWER it does, and the
 * weak-memory explorer shows it on any machine. The fix is the protocol's release store (or a
 * {@code Barriers.wmb()} before the opaque one).
 */
public final class MailboxOpaqueDoorbell {

    /** The race (weak memory only) and its fix. */
    public static final KnownRace RACE = new KnownRace("mailbox doorbell rung with an opaque store",
            run -> drive(run, AccessMode.OPAQUE), run -> drive(run, AccessMode.ACQUIRE_RELEASE));

    private static final Duration POLL = Duration.ofNanos(50_000);
    private static final Duration DEADLINE = Duration.ofMillis(50);

    private MailboxOpaqueDoorbell() {
    }

    private static void drive(ExploredRun run, AccessMode doorbellMode) throws Exception {
        SysMem region = run.memory("mailbox", MailboxLayout.MIN_REGION_SIZE);
        MailboxDevice mailbox = MailboxDevice.builder("mailbox", region).build();
        SysMem ordered = region.withMode(AccessMode.ACQUIRE_RELEASE);
        try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
            Poll.readPollTimeout(() -> ordered.read32(DEVICE_STATE.offset()), s -> s == STATE_READY, POLL, DEADLINE);
            region.write32(COMMAND.offset(), CMD_ADD);
            region.write64(ARG0.offset(), 40);
            region.write64(ARG1.offset(), 2);
            region.withMode(doorbellMode).write32(DOORBELL.offset(), 1);
            Poll.readPollTimeout(() -> ordered.read32(COMPLETED.offset()), c -> c == 1, POLL, DEADLINE);
            int status = region.read32(STATUS.offset());
            long result = region.read64(RESULT.offset());
            if (status != STATUS_OK || result != 42) {
                throw new AssertionError("ADD 40 2 answered status " + status + ", result " + result
                        + ": the device saw the doorbell before the command and arguments it publishes");
            }
            runner.checkHealthy();
        }
    }
}
