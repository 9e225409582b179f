/**
 * A mailbox/doorbell device over shared memory: command, arguments, result and status words, a
 * doorbell sequence number and a completion sequence number, plus a completion interrupt when
 * the driver is in the same JVM. {@link dev.sysmem.sim.mailbox.MailboxLayout} documents the exact
 * layout and protocol, for drivers in other processes or QEMU guests;
 * {@link dev.sysmem.sim.mailbox.MailboxDriver} is the driver side for Java code.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.anonymous(MailboxLayout.MIN_REGION_SIZE)) {
 *     MailboxDevice mailbox = MailboxDevice.builder("mbox", shm.io("mbox")).doorbell().build();
 *     try (DeviceRunner runner = new DeviceRunner().start(mailbox)) {
 *         long sum = MailboxDriver.of(mailbox).add(40, 2);     // 42
 *     }
 * }
 * }</pre>
 */
package dev.sysmem.sim.mailbox;
