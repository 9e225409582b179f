package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kicks and interrupts per buffer with {@code VIRTIO_F_EVENT_IDX} on and off, at queue sizes 1, 2,
 * 256 and 32768, for a driver and a device that each suppress notifications while busy and re-arm
 * before sleeping (Linux's {@code virtqueue_disable_cb}/{@code enable_cb} and QEMU's
 * {@code virtio_queue_set_notification}).
 *
 * <p>The two loops are interleaved step by step on this thread by a seeded scheduler, the same
 * schedule for both settings, so the counts are exact and repeatable; a sleeping side runs again
 * only once notified, so a lost notification would stop the run (and fail it). What EVENT_IDX
 * saves is the moments between a notification and the woken side's "disable": the flags let
 * every buffer in them notify again, the event index only the first.
 */
class NotificationCountTest {

    private static final int BUFFERS = 100_000;
    private static final long SEED = 20261202;
    /** The most buffers the driver keeps in flight before it waits for completions. */
    private static final int BATCH = 32;

    /** The counts of one run. */
    record Counts(int queueSize, boolean eventIdx, long kicks, long interrupts, long deviceRearms,
                  long driverRearms) {
        double kicksPerBuffer() {
            return (double) kicks / BUFFERS;
        }

        double interruptsPerBuffer() {
            return (double) interrupts / BUFFERS;
        }
    }

    @Test
    void withEventIdxBothKicksAndInterruptsFallWhereTheDeviceIsBusy() {
        List<String> table = new ArrayList<>();
        for (int queueSize : new int[] {1, 2, 256, 32768}) {
            Counts off = run(queueSize, false);
            Counts on = run(queueSize, true);
            table.add(String.format("QS %5d, %d buffers: kicks %d off, %d on (%.4f, %.4f per buffer); "
                            + "interrupts %d off, %d on (%.4f, %.4f per buffer)", queueSize, BUFFERS, off.kicks(),
                    on.kicks(), off.kicksPerBuffer(), on.kicksPerBuffer(), off.interrupts(), on.interrupts(),
                    off.interruptsPerBuffer(), on.interruptsPerBuffer()));
            System.out.println(table.getLast());
            if (queueSize <= 2) {
                // One or two buffers in flight: nothing to save, and each side sleeps after
                // almost every buffer. The runs are not step-for-step the same once their states
                // differ, so allow 2 % of schedule noise, far below the rise this must not show.
                assertThat(on.kicks()).as("kicks at QS %d", queueSize).isLessThanOrEqualTo(off.kicks() * 102 / 100);
                assertThat(on.interrupts()).as("interrupts at QS %d", queueSize)
                        .isLessThanOrEqualTo(off.interrupts() * 102 / 100);
            } else {
                // Many buffers in flight: the device is busy while the driver adds, and vice versa.
                assertThat(on.kicks()).as("kicks at QS %d", queueSize).isLessThan(off.kicks());
                assertThat(on.interrupts()).as("interrupts at QS %d", queueSize).isLessThan(off.interrupts());
            }
        }
    }

    /**
     * The budget {@link ThreadedNotificationCountTest} judges on real threads: with the event
     * index, at most one notification per re-arm. Here it is also run on the flags, which must
     * break it at the busy sizes (every kick between a re-arm and the device's next disable gets
     * through), so the check is seen to fail when notifications are not limited.
     */
    @Test
    void theEventIndexLetsOneNotificationThroughPerReArmAndTheFlagsDoNot() {
        for (int queueSize : new int[] {1, 2, 256, 32768}) {
            Counts off = run(queueSize, false);
            Counts on = run(queueSize, true);
            System.out.printf("QS %5d: kicks per device re-arm %.2f off, %.2f on; interrupts per driver re-arm "
                            + "%.2f off, %.2f on%n", queueSize, (double) off.kicks() / off.deviceRearms(),
                    (double) on.kicks() / on.deviceRearms(), (double) off.interrupts() / off.driverRearms(),
                    (double) on.interrupts() / on.driverRearms());
            assertThat(NotificationBudget.kicks(queueSize, on.kicks(), on.deviceRearms())).isEmpty();
            assertThat(NotificationBudget.interrupts(queueSize, on.interrupts(), on.driverRearms())).isEmpty();
            if (queueSize > 2) {
                assertThat(NotificationBudget.kicks(queueSize, off.kicks(), off.deviceRearms()))
                        .as("the flags at QS %d must exceed the kick budget", queueSize).isNotEmpty();
            }
        }
    }

    /** Runs {@link #BUFFERS} chains of one device-writable buffer (one descriptor, so QS 1 works) through a queue. */
    static Counts run(int queueSize, boolean eventIdx) {
        try (QueuePair q = new QueuePair(queueSize, eventIdx, new Echo(), 2 << 20)) {
            Random schedule = new Random(SEED + queueSize);
            Driver driver = new Driver(q);
            Device device = new Device(q);
            q.driver.disableInterrupts();            // the driver starts busy: it has buffers to add
            long steps = 0;
            while (driver.completed < BUFFERS) {
                boolean driverCan = !driver.asleep || q.interrupts > driver.interruptsSeen;
                boolean deviceCan = !device.asleep || q.kicks > device.kicksSeen;
                assertThat(driverCan || deviceCan).as("both sides asleep after %d steps: a notification was lost "
                        + "(QS %d, EVENT_IDX %b)", steps, queueSize, eventIdx).isTrue();
                // The driver gets most of the steps: it adds while the device works, and the
                // device, serving a whole batch per step, is the bottleneck the driver waits for.
                boolean driverRuns = driverCan && (!deviceCan || schedule.nextInt(5) < 4);
                if (driverRuns) {
                    driver.step(schedule);
                } else {
                    device.step();
                }
                steps++;
            }
            return new Counts(queueSize, eventIdx, q.kicks, q.interrupts, q.device.notificationRearms(),
                    q.driver.interruptRearms());
        }
    }

    /** The driver's loop: add, kick, harvest; with nothing to harvest, re-arm interrupts and sleep. */
    private static final class Driver {
        final QueuePair q;
        final long[] oneBuffer;
        final long[] oneLength = {64};
        long submitted;
        long completed;
        boolean asleep;
        long interruptsSeen;
        int phase;

        Driver(QueuePair q) {
            this.q = q;
            this.oneBuffer = new long[] {q.buffers};
        }

        void step(Random schedule) {
            if (asleep) {
                asleep = false;                       // woken by an interrupt
                interruptsSeen = q.interrupts;
                q.driver.disableInterrupts();
                return;
            }
            switch (phase) {
                case 0 -> {                           // add a few buffers, as many as fit
                    int batch = 1 + schedule.nextInt(4);
                    for (int i = 0; i < batch && submitted < BUFFERS && q.driver.freeDescriptors() > 0; i++) {
                        assertThat(q.driver.add(oneBuffer, oneLength, 0, 1)).isNotNegative();
                        submitted++;
                    }
                    phase = 1;
                }
                case 1 -> {
                    q.driver.kickIfNeeded();
                    phase = 2;
                }
                default -> {
                    int harvested = q.driver.harvest((id, len) -> completed++);
                    // Like a driver with a bounded batch of work: with this many in flight it
                    // waits for completions rather than adding more.
                    boolean canAdd = submitted < BUFFERS && q.driver.freeDescriptors() > 0
                            && q.driver.chainsInFlight() < BATCH;
                    if (harvested > 0 || canAdd) {
                        phase = 0;
                    } else if (q.driver.enableInterrupts()) {
                        interruptsSeen = q.interrupts;
                        asleep = true;
                        phase = 2;
                    }
                }
            }
        }
    }

    /** The device's loop: disable kicks, serve until nothing is left, re-arm, sleep unless more came. */
    private static final class Device {
        final QueuePair q;
        boolean asleep = true;
        long kicksSeen;
        int phase;

        Device(QueuePair q) {
            this.q = q;
            q.device.enableNotifications();
        }

        void step() {
            if (asleep) {
                asleep = false;                       // woken by a kick
                kicksSeen = q.kicks;
                phase = 0;
                return;
            }
            switch (phase) {
                case 0 -> {
                    q.device.disableNotifications();
                    phase = 1;
                }
                case 1 -> {
                    if (q.device.processAvailable() == 0) {
                        phase = 2;
                    }
                }
                default -> {
                    if (q.device.enableNotifications()) {
                        kicksSeen = q.kicks;
                        asleep = true;
                    } else {
                        phase = 0;
                    }
                }
            }
        }
    }
}
