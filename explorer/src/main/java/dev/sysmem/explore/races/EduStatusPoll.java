package dev.sysmem.explore.races;

import dev.sysmem.io.Poll;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.GuestMemory;
import dev.sysmem.sim.Mmio;
import dev.sysmem.sim.edu.EduDevice;

import java.time.Duration;

import static dev.sysmem.sim.edu.EduLayout.FACTORIAL;
import static dev.sysmem.sim.edu.EduLayout.IRQ_FACTORIAL;
import static dev.sysmem.sim.edu.EduLayout.IRQ_STATUS;
import static dev.sysmem.sim.edu.EduLayout.STATUS;
import static dev.sysmem.sim.edu.EduLayout.STATUS_COMPUTING;
import static dev.sysmem.sim.edu.EduLayout.STATUS_IRQ_ON_FACTORIAL;

/**
 * An edu driver that polls for completion by reading DONE (the factorial cause in IRQ_STATUS) and
 * BUSY (STATUS.COMPUTING) in two accesses, DONE first.
 *
 * <p>The device completes a factorial in one step under its register lock: it clears BUSY and
 * raises DONE together. A driver that reads DONE = 0 (still running), then lets the device
 * complete, then reads BUSY = 0, sees "neither busy nor done", a state the device never had, and
 * concludes that the job was lost. Reading BUSY first closes the window: once BUSY reads 0, the
 * device has already raised DONE.
 */
public final class EduStatusPoll {

    /** The race and its fix. */
    public static final KnownRace RACE = new KnownRace("edu status poll reading DONE and BUSY in two accesses",
            run -> drive(true), run -> drive(false));

    private static final int DONE = 1;
    private static final int BUSY = 2;

    private EduStatusPoll() {
    }

    private static int done(Mmio bar) {
        return (bar.read32(IRQ_STATUS.offset()) & IRQ_FACTORIAL) != 0 ? DONE : 0;
    }

    private static int busy(Mmio bar) {
        return (bar.read32(STATUS.offset()) & STATUS_COMPUTING) != 0 ? BUSY : 0;
    }

    private static void drive(boolean doneFirst) throws Exception {
        try (SharedMemory ram = SharedMemory.anonymous(4096)) {
            EduDevice edu = EduDevice.builder(new GuestMemory(ram.io("ram"), 0)).build();
            Mmio bar = edu.mmio();
            try (DeviceRunner runner = new DeviceRunner().start(edu)) {
                bar.write32(STATUS.offset(), STATUS_IRQ_ON_FACTORIAL);
                bar.write32(FACTORIAL.offset(), 4);
                // One poll reads both bits, in two accesses; it ends once DONE is set or BUSY is clear.
                int state = Poll.readPollTimeout(() -> doneFirst
                                ? done(bar) | busy(bar)
                                : busy(bar) | done(bar),
                        s -> (s & DONE) != 0 || (s & BUSY) == 0, Duration.ZERO, Duration.ofMillis(50));
                if ((state & DONE) == 0) {
                    throw new AssertionError("the driver read the device as neither busy nor done: it takes the"
                            + " factorial for lost");
                }
                if (bar.read32(FACTORIAL.offset()) != 24) {
                    throw new AssertionError("4! read as " + bar.read32(FACTORIAL.offset()));
                }
                runner.checkHealthy();
            }
        }
    }
}
