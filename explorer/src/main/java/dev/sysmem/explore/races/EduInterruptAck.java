package dev.sysmem.explore.races;

import dev.sysmem.io.Poll;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.GuestMemory;
import dev.sysmem.sim.Mmio;
import dev.sysmem.sim.edu.EduDevice;

import java.time.Duration;

import static dev.sysmem.sim.edu.EduLayout.FACTORIAL;
import static dev.sysmem.sim.edu.EduLayout.IRQ_ACK;
import static dev.sysmem.sim.edu.EduLayout.IRQ_DMA;
import static dev.sysmem.sim.edu.EduLayout.IRQ_FACTORIAL;
import static dev.sysmem.sim.edu.EduLayout.IRQ_RAISE;
import static dev.sysmem.sim.edu.EduLayout.IRQ_STATUS;
import static dev.sysmem.sim.edu.EduLayout.STATUS;
import static dev.sysmem.sim.edu.EduLayout.STATUS_IRQ_ON_FACTORIAL;

/**
 * An edu driver that acknowledges interrupts with a read-modify-write of IRQ_ACK instead of
 * writing back the causes it read (write-one-to-clear).
 *
 * <p>The driver starts a factorial with its completion interrupt enabled, raises a second cause
 * itself (IRQ_RAISE, as a DMA completion would), and then handles interrupts until it has seen
 * both. The buggy handler reads IRQ_STATUS, then "acknowledges" by reading IRQ_ACK (edu answers
 * all ones), OR-ing in the status and writing the result back: every cause is cleared, also one
 * the device raised between the driver's two accesses. If the factorial completes in that window,
 * its cause is cleared without ever being read and the driver waits for it until its deadline.
 * The fix writes exactly the bits it read, so a cause raised in the window stays pending.
 */
public final class EduInterruptAck {

    /** The race and its fix. */
    public static final KnownRace RACE = new KnownRace("edu interrupt ack by read-modify-write",
            run -> drive(true), run -> drive(false));

    private static final Duration POLL = Duration.ofMillis(1);
    private static final Duration DEADLINE = Duration.ofMillis(20);

    private EduInterruptAck() {
    }

    private static void drive(boolean readModifyWrite) throws Exception {
        try (SharedMemory ram = SharedMemory.anonymous(4096)) {
            EduDevice edu = EduDevice.builder(new GuestMemory(ram.io("ram"), 0)).build();
            Mmio bar = edu.mmio();
            try (DeviceRunner runner = new DeviceRunner().start(edu)) {
                bar.write32(STATUS.offset(), STATUS_IRQ_ON_FACTORIAL);
                bar.write32(FACTORIAL.offset(), 5);
                bar.write32(IRQ_RAISE.offset(), IRQ_DMA);
                int expected = IRQ_FACTORIAL | IRQ_DMA;
                int seen = 0;
                while (seen != expected) {
                    int status;
                    try {
                        status = Poll.readPollTimeout(() -> bar.read32(IRQ_STATUS.offset()), s -> s != 0, POLL, DEADLINE);
                    } catch (dev.sysmem.io.PollTimeoutException e) {
                        throw new AssertionError("interrupt lost: the driver saw causes 0x" + Integer.toHexString(seen)
                                + " of 0x" + Integer.toHexString(expected) + " and nothing is pending any more", e);
                    }
                    seen |= status;
                    if (readModifyWrite) {
                        bar.write32(IRQ_ACK.offset(), bar.read32(IRQ_ACK.offset()) | status);
                    } else {
                        bar.write32(IRQ_ACK.offset(), status);
                    }
                }
                runner.checkHealthy();
            }
        }
    }
}
