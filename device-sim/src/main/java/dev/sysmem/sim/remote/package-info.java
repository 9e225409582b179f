/**
 * Devices in another process: a device runs in one JVM over a file-backed shared segment, and a
 * driver in another process (or a QEMU guest) finds it, waits for it and notices when it dies.
 *
 * <p>The file starts with a one-page header ({@link dev.sysmem.sim.remote.RemoteLayout}: magic,
 * layout version, device kind, state, heartbeat, pid, failure text) followed by the device's own
 * region. {@link dev.sysmem.sim.remote.RemoteDeviceHost} writes the header and runs the device
 * (the {@code sysmem-sim run} command is one); {@link dev.sysmem.sim.remote.RemoteDevice} is the
 * driver side. Devices are started by kind: {@link dev.sysmem.sim.remote.DeviceKinds} is the table
 * of kinds, each a {@link dev.sysmem.sim.remote.DeviceKind} with its own options.
 *
 * <pre>{@code
 * // process A: the device (or: sysmem-sim run mailbox --file /dev/shm/mbox --create)
 * try (SharedMemory file = SharedMemory.create(Path.of("/dev/shm/mbox"), RemoteLayout.fileSize(4096));
 *      RemoteDeviceHost host = RemoteDeviceHost.builder(file, DeviceKinds.create("mailbox")).start()) {
 *     host.ended().get(1, TimeUnit.HOURS);
 * }
 * // process B: the driver
 * try (RemoteDevice device = RemoteDevice.connect(Path.of("/dev/shm/mbox"), "mailbox", Duration.ofSeconds(10))) {
 *     long sum = new MailboxDriver(device.region()).add(40, 2);
 * }
 * }</pre>
 */
package dev.sysmem.sim.remote;
