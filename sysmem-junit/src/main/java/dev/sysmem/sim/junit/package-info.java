/**
 * A JUnit 5 extension for driver tests: {@link dev.sysmem.sim.junit.SimulatedDevice} on a test class
 * or method starts a fresh device of a kind on fresh shared memory for each test, injects the
 * driver's view of its region (and the device, its trace, its runner), stops it after the test, and
 * fails the test with the device's failure and last accesses if the device failed.
 *
 * <pre>{@code
 * @SimulatedDevice("mailbox")
 * class MyDriverTest {
 *     @Test
 *     void adds(SysMem region) throws InterruptedException {
 *         assertThat(new MailboxDriver(region).add(40, 2)).isEqualTo(42);
 *     }
 * }
 * }</pre>
 */
package dev.sysmem.sim.junit;
