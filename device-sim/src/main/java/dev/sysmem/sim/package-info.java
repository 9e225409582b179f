/**
 * Simulated devices that run concurrently with driver code, on their own threads, over the same
 * memory, as hardware does.
 *
 * <p>Two kinds of device memory exist, as in the kernel: shared RAM ({@link dev.sysmem.io.SysMem}:
 * rings, buffers, mailboxes; the device polls it or is woken by a {@link dev.sysmem.sim.Doorbell})
 * and registers with side effects ({@link dev.sysmem.sim.Mmio}: every access traps into the
 * device model, so write-1-to-clear, read-to-clear and write-only registers behave as on
 * hardware).
 *
 * <table>
 *   <caption>The framework</caption>
 *   <tr><td>{@link dev.sysmem.sim.Device}</td><td>a name and a loop run on thread {@code device-<name>}</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.DeviceContext}</td><td>what the loop gets: stop flag, waits bounded by timeout and stop</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.DeviceRunner}</td><td>starts and stops devices with deadlines, rethrows their failures</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.Mmio}</td><td>a trapped register region ({@link dev.sysmem.io.Io}) with access kinds and hooks</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.UndecodedAccess}</td><td>what a region does with accesses no register decodes</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.InterruptLine}</td><td>a counted interrupt, level and edge, handlers never miss a raise</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.Doorbell}</td><td>a counted wake-up of the device thread, never lost</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.GuestMemory}, {@link dev.sysmem.sim.DmaWindow}</td><td>guest RAM and a device's checked DMA into it</td></tr>
 *   <tr><td>{@link dev.sysmem.sim.AccessTrace}</td><td>a bounded ring of recent accesses, dumped when a test fails</td></tr>
 * </table>
 *
 * <p>Reference devices: {@link dev.sysmem.sim.mailbox} (the simplest, shared memory only),
 * {@link dev.sysmem.sim.edu} (QEMU's {@code edu}, trapped registers, DMA, interrupts) and
 * {@link dev.sysmem.sim.chaos} (random writes, stuck bits, tearing, surprise removal).
 */
package dev.sysmem.sim;
