package dev.sysmem.bench.roundtrip;

import dev.sysmem.bench.BenchJvm;
import dev.sysmem.bench.Spin;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxDriver;
import dev.sysmem.sim.mailbox.MailboxLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Doorbell round trips to a device-sim device thread, measured by the driver thread.
 *
 * <ul>
 *   <li>{@link #echoDevice}: the subject. {@link DoorbellEchoDevice} under a {@link DeviceRunner}:
 *       the driver writes the doorbell register through {@link SysMem} (release) and spins on the
 *       status register (acquire) until the device has answered. Same protocol as
 *       {@link VarHandlePingPong}, so the ratio is the price of SysMem and device-sim.</li>
 *   <li>{@link #mailboxPolled}: the reference {@link MailboxDevice}, polling its DOORBELL register
 *       ({@code DeviceContext.pollUntil}), driven by a spinning driver that writes COMMAND and ARG0,
 *       releases DOORBELL and spins on COMPLETED: a whole register-level request.</li>
 *   <li>{@link #mailboxDriver}: the shipped {@link MailboxDriver#echo} against a mailbox with an
 *       in-process doorbell; both sides sleep between requests (park/unpark on the doorbell and
 *       the completion interrupt), as {@code SynchronousQueue} and {@code Exchanger} do.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {BenchJvm.NATIVE_ACCESS, BenchJvm.EXPORTS, BenchJvm.INTERNAL_MISC, BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.UNSAFE_QUIET})
public class DeviceRoundTrip {

    /** {@link DoorbellEchoDevice} on anonymous shared memory, run by a {@link DeviceRunner}. */
    @State(Scope.Thread)
    public static class EchoDevice {
        SharedMemory memory;
        SysMem registers;
        DeviceRunner runner;
        int sequence;

        @Setup(Level.Trial)
        public void start() {
            memory = SharedMemory.anonymous(DoorbellLayout.SIZE);
            registers = memory.io("doorbell").withMode(AccessMode.ACQUIRE_RELEASE);
            runner = new DeviceRunner().start(new DoorbellEchoDevice("echo", memory.io("doorbell")));
            DoorbellEchoDevice.awaitReady(registers);
        }

        @TearDown(Level.Trial)
        public void stop() {
            runner.close();
            memory.close();
        }
    }

    /** A polling {@link MailboxDevice} (no in-process doorbell). */
    @State(Scope.Thread)
    public static class PolledMailbox {
        SharedMemory memory;
        SysMem opaque;
        SysMem ordered;
        DeviceRunner runner;
        int sequence;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            memory = SharedMemory.anonymous(MailboxLayout.MIN_REGION_SIZE);
            SysMem region = memory.io("mailbox");
            opaque = region.withMode(AccessMode.OPAQUE);
            ordered = region.withMode(AccessMode.ACQUIRE_RELEASE);
            runner = new DeviceRunner().start(MailboxDevice.builder("mailbox", region).build());
            new MailboxDriver(region).awaitReady();
            sequence = ordered.read32(MailboxLayout.COMPLETED.offset());
        }

        @TearDown(Level.Trial)
        public void stop() {
            runner.close();
            memory.close();
        }
    }

    /** A {@link MailboxDevice} with an in-process doorbell, and its {@link MailboxDriver}. */
    @State(Scope.Thread)
    public static class SleepingMailbox {
        SharedMemory memory;
        MailboxDriver driver;
        DeviceRunner runner;
        long value;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            memory = SharedMemory.anonymous(MailboxLayout.MIN_REGION_SIZE);
            MailboxDevice device = MailboxDevice.builder("mailbox", memory.io("mailbox"))
                    .doorbell().build();
            runner = new DeviceRunner().start(device);
            driver = MailboxDriver.of(device);
            driver.awaitReady();
        }

        @TearDown(Level.Trial)
        public void stop() {
            runner.close();
            memory.close();
        }
    }

    @Benchmark
    public int echoDevice(EchoDevice d) {
        return DoorbellEchoDevice.ring(d.registers, ++d.sequence);
    }

    @Benchmark
    public long mailboxPolled(PolledMailbox m) {
        int sequence = ++m.sequence;
        m.opaque.write32(MailboxLayout.COMMAND.offset(), MailboxLayout.CMD_ECHO);
        m.opaque.write64(MailboxLayout.ARG0.offset(), sequence);
        m.ordered.write32(MailboxLayout.DOORBELL.offset(), sequence);
        long spins = 0;
        long since = 0;
        while (m.ordered.read32(MailboxLayout.COMPLETED.offset()) != sequence) {
            Spin.idle(++spins);
            if ((spins & Spin.CHECK_MASK) == 0) {
                since = Spin.check(since, "the mailbox to complete request " + sequence);
            }
        }
        return m.opaque.read64(MailboxLayout.RESULT.offset());
    }

    @Benchmark
    public long mailboxDriver(SleepingMailbox m) throws InterruptedException {
        return m.driver.echo(++m.value);
    }
}
