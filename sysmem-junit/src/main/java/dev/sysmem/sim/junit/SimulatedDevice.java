package dev.sysmem.sim.junit;

import dev.sysmem.sim.remote.DeviceKind;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the simulated device a test runs against: for each test (the annotated method, or every
 * test of the annotated class) {@link DeviceExtension} starts a fresh device of this kind on fresh
 * shared memory, injects what the test asks for, and stops the device afterwards, failing the test
 * if the device failed.
 *
 * <p>Test (and {@code @BeforeEach}/{@code @AfterEach}) method parameters are injected by type:
 * <ul>
 *   <li>{@link dev.sysmem.io.Io}: the driver's view of the device region, recording every access
 *       into the device's trace, so that a dump shows driver and device in order;</li>
 *   <li>{@link dev.sysmem.io.SysMem}: the same view, untraced (for drivers that need a
 *       {@code SysMem}, such as {@link dev.sysmem.sim.mailbox.MailboxDriver});</li>
 *   <li>the device itself, by its class or any supertype ({@code MailboxDevice},
 *       {@link dev.sysmem.sim.Device});</li>
 *   <li>{@link dev.sysmem.sim.AccessTrace}, the trace (if {@link #trace()} is not 0), and
 *       {@link dev.sysmem.sim.DeviceRunner}, the runner (for {@code checkHealthy()}).</li>
 * </ul>
 *
 * <pre>{@code
 * @SimulatedDevice("mailbox")
 * class MyDriverTest {
 *     @Test
 *     void adds(SysMem region) throws InterruptedException {
 *         assertThat(new MailboxDriver(region).add(40, 2)).isEqualTo(42);
 *     }
 *
 *     @Test
 *     @SimulatedDevice(factory = "doorbellMailbox", trace = 64)
 *     void interrupts(MailboxDevice mailbox) throws InterruptedException {
 *         MailboxDriver.of(mailbox).echo(1);
 *         assertThat(mailbox.completion().raiseCount()).isEqualTo(1);
 *     }
 *
 *     static DeviceKind doorbellMailbox() {                // a kind with options of the test's choosing
 *         return new MailboxKind(new MailboxKind.Options(true));
 *     }
 * }
 * }</pre>
 * A method's annotation replaces its class's. The kind comes from exactly one of {@link #value()}
 * (a kind by name, with its default options), {@link #kindClass()} and {@link #factory()}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(DeviceExtension.class)
public @interface SimulatedDevice {

    /** The kind's name in {@link dev.sysmem.sim.remote.DeviceKinds}, e.g. {@code "mailbox"}, with its default options. */
    String value() default "";

    /** A kind of the test's own, made with its no-argument constructor; instead of {@link #value()}. */
    Class<? extends DeviceKind> kindClass() default DeviceKind.class;

    /** The device's name (its thread is {@code device-<name>}); default: the kind's name. */
    String name() default "";

    /** The region's size in bytes; 0 means the kind's default. */
    long regionSize() default 0;

    /**
     * The name of a static method without parameters, in the test class or a class enclosing it,
     * that returns the {@link DeviceKind} to run, configured with the options the test wants (for
     * example {@code new ChaosKind(ChaosKind.Options.builder().seed(7).build())}). Called before each test.
     */
    String factory() default "";

    /** How many recent accesses the trace keeps; 0 for no trace. */
    int trace() default 1024;

    /** How long each phase of stopping the device may take, in milliseconds. */
    long stopDeadlineMillis() default 5000;
}
