package dev.sysmem.explore.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test method the race explorer runs once per schedule: its body runs on the explorer's
 * {@code test} thread, with an {@link dev.sysmem.explore.ExploredRun} parameter for explored
 * memory and managed threads. It fails on the first failing schedule, with the strategy, seed,
 * schedule number, a replay string and the trace; {@code -Dsysmem.replay=<string>} replays one
 * schedule instead (the string names its test, so it does not apply to other tests).
 *
 * <pre>{@code
 * @RaceTest(iterations = 2_000, strategy = "pct")
 * void twoDriversShareTheMailbox(ExploredRun run) throws Exception {
 *     SysMem region = run.memory("mailbox", 4096);
 *     MailboxDevice mailbox = MailboxDevice.builder("mailbox", region).doorbell().build();
 *     try (DeviceRunner runner = new DeviceRunner().start(mailbox)) { ... run.thread("a", ...); ... }
 * }
 * }</pre>
 *
 * <p>With {@link dev.sysmem.sim.junit.SimulatedDevice} on the method (or its class), each
 * schedule gets a fresh device of the declared kind on explored memory, its thread
 * ({@code device-<name>}) run by the scheduler, and the driver's parameters ({@code Io},
 * {@code SysMem}, the device, {@code DeviceRunner}) made for that schedule:
 *
 * <pre>{@code
 * @RaceTest(iterations = 2_000)
 * @SimulatedDevice("mailbox")
 * void twoDriversShareTheMailbox(Io region, MailboxDevice mailbox, ExploredRun run) throws Exception { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(RaceTestExtension.class)
public @interface RaceTest {

    /** Schedules to explore at most. */
    int iterations() default 1_000;

    /** {@code random}, {@code pct} or {@code exhaustive} (any case). */
    String strategy() default "random";

    /** The seed of every schedule's random choices. */
    long seed() default 1;

    /** A replay string to run instead of exploring; {@code -Dsysmem.replay} overrides it. */
    String replay() default "";

    /** The exhaustive strategy's preemption bound. */
    int preemptionBound() default 2;

    /**
     * Explored memory follows sysmem's weak-memory model: each read may return any write its
     * access mode allows (a missing release, acquire or barrier fails on any machine, as on
     * aarch64). A replay string says which memory its schedule ran on, and wins over this.
     */
    boolean weakMemory() default false;

    /** PCT's bug depth. */
    int pctDepth() default 3;

    /** Scheduling points after which a schedule is a livelock. */
    long maxSteps() default 100_000;

    /** Wall-clock deadline of the exploration, in seconds. */
    long deadlineSeconds() default 60;

    /** Whether an exhaustive exploration must run every schedule within its bound to pass. */
    boolean requireExhausted() default false;
}
