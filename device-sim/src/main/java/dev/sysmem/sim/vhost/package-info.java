/**
 * A vhost-user back-end (QEMU {@code docs/interop/vhost-user.rst}) for QEMU's
 * {@code vhost-user-blk} device, serving device-sim's virtio-blk {@link dev.sysmem.sim.virtio.RamDisk}:
 * a real guest kernel's virtio-blk driver and this JVM then share the virtqueues in the guest's
 * own memory.
 *
 * <table>
 *   <caption>The parts</caption>
 *   <tr><td>{@link dev.sysmem.sim.vhost.VhostUserBlkServer}</td><td>the listening socket (owner-only) and the thread; the public entry point</td></tr>
 *   <tr><td>{@code VhostUserConnection}</td><td>the event loop of one connection: poll on the socket and the kick eventfds</td></tr>
 *   <tr><td>{@code VhostUserChannel}</td><td>framing: whole messages with their descriptors, or a refusal</td></tr>
 *   <tr><td>{@code VhostUserBlkBackend}</td><td>the protocol state: features, memory table, rings, config space, replies</td></tr>
 *   <tr><td>{@code GuestMemoryTable}</td><td>the guest's RAM regions mapped with FFM; guest-physical and front-end address translation</td></tr>
 *   <tr><td>{@code Vring}</td><td>what the front-end said about one queue, and its running {@link dev.sysmem.sim.virtio.VirtqueueDevice}</td></tr>
 * </table>
 *
 * <p>The socket calls, descriptor passing, eventfds and mappings are the FFM downcalls of
 * {@link dev.sysmem.sim.ivshmem.Libc}.
 */
package dev.sysmem.sim.vhost;
