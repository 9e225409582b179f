package dev.sysmem.sim;

/**
 * A simulated device: a name and a loop that runs on the device's own platform thread
 * ({@code device-<name>}), concurrently with the driver code that uses it, exactly as hardware
 * runs beside the CPU.
 *
 * <p>A device model owns what the driver touches: registers ({@link Mmio}, where each access traps
 * into the model) and/or shared RAM ({@link dev.sysmem.io.SysMem}, which the loop polls or is woken
 * for by a {@link Doorbell}), and the {@link InterruptLine}s it raises. Those objects exist before
 * the device starts, so the driver can be wired up first; {@link DeviceRunner} then runs
 * {@link #run} until stopped.
 *
 * <p><b>Contract for {@link #run}.</b>
 * <ul>
 *   <li>Return soon after {@link DeviceContext#isStopping()} turns true. The waits the context
 *       offers ({@link DeviceContext#awaitRing}, {@link DeviceContext#pause},
 *       {@link DeviceContext#pollUntil}) return early when a stop is requested, so a loop built
 *       on them stops promptly without further effort.</li>
 *   <li>If the runner has to interrupt the thread (the loop ignored the stop request past the
 *       deadline), an {@link InterruptedException} out of {@code run} counts as a clean stop.</li>
 *   <li>Any other exception or error is the device's failure: the runner keeps it, with its stack
 *       trace, and rethrows it to the code that started the device, naming the device
 *       ({@link DeviceFailureException}).</li>
 * </ul>
 *
 * <pre>{@code
 * Device heartbeat = new Device() {
 *     public String name() { return "heartbeat"; }
 *     public void run(DeviceContext context) throws InterruptedException {
 *         while (context.pause(Duration.ofMillis(1))) {   // false once a stop is requested
 *             counter.write32(0, counter.read32(0) + 1);
 *         }
 *     }
 * };
 * try (DeviceRunner runner = new DeviceRunner().start(heartbeat)) { ... }
 * }</pre>
 */
public interface Device {

    /**
     * The device's name: non-blank, unique among the devices of one runner; its thread is
     * called {@code device-<name>} and every error about the device names it.
     */
    String name();

    /**
     * The device's loop, run once on the device's thread; see the class comment for when it must
     * return and what its exceptions mean.
     */
    void run(DeviceContext context) throws Exception;
}
