package dev.sysmem.sim.remote;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.mailbox.MailboxLayout;

import java.nio.file.Path;
import java.time.Duration;

import static dev.sysmem.sim.mailbox.MailboxLayout.*;

/**
 * A test device kind that looks like a ready mailbox (MAGIC, VERSION, DEVICE_STATE = ready) but
 * never completes a request: a driver's request to it can only end by its deadline or by the
 * device's health. With {@link #failOnRequest} it throws as soon as a request arrives, noting
 * when, so a test can time how soon the driver hears of it.
 */
public final class MuteMailboxKind implements DeviceKind {

    private final boolean failOnRequest;
    private volatile long thrownAtNanos;

    public MuteMailboxKind(boolean failOnRequest) {
        this.failOnRequest = failOnRequest;
    }

    /** {@link System#nanoTime()} just before the device threw, 0 if it has not. */
    public long thrownAtNanos() {
        return thrownAtNanos;
    }

    @Override
    public String name() {
        return "mailbox";
    }

    @Override
    public String description() {
        return "test device: a mailbox that never answers";
    }

    @Override
    public long minRegionSize() {
        return MailboxLayout.MIN_REGION_SIZE;
    }

    @Override
    public Model build(Setup setup) {
        Device device = device(setup.deviceName(), setup.region());
        return new Model(device, () -> true, () -> "answering nothing");
    }

    /** The device over {@code region}, for a runner of the test's own. */
    public Device device(String name, SysMem region) {
        SysMem ordered = region.withMode(AccessMode.ACQUIRE_RELEASE);
        return new Device() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(DeviceContext context) throws InterruptedException {
                region.write32(MAGIC.offset(), MAGIC_VALUE);
                region.write32(VERSION.offset(), VERSION_VALUE);
                ordered.write32(DEVICE_STATE.offset(), STATE_READY);
                while (!context.isStopping()) {
                    if (context.pollUntil(() -> ordered.read32(DOORBELL.offset()) != 0, Duration.ofMillis(50))
                            && failOnRequest) {
                        thrownAtNanos = System.nanoTime();
                        throw new IllegalStateException("mute mailbox: refusing request #" + ordered.read32(DOORBELL.offset()));
                    }
                }
            }
        };
    }

    /**
     * Hosts a mute mailbox over a new file {@code args[0]} until killed (at most 60 s), for tests
     * that kill the host process; prints {@code ready} once the header says READY.
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        try (SharedMemory memory = SharedMemory.create(file, RemoteLayout.fileSize(MailboxLayout.MIN_REGION_SIZE));
             RemoteDeviceHost host = RemoteDeviceHost.builder(memory, new MuteMailboxKind(false))
                     .heartbeatPeriod(Duration.ofMillis(20)).start()) {
            System.out.println("ready");
            System.out.flush();
            host.ended().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
