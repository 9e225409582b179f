package dev.sysmem.sim.remote;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxLayout;
import picocli.CommandLine.Option;


/**
 * The {@code mailbox} kind: a {@link MailboxDevice} over the region, at its offset 0. Ready once
 * the device has written DEVICE_STATE = ready, as {@link MailboxLayout} specifies.
 */
public final class MailboxKind implements DeviceKind {

    @Option(names = "--doorbell", description = "Wake the device with an in-process doorbell instead of polling "
            + "the DOORBELL word (only a driver in the same JVM rings it; others wait up to "
            + "MailboxDevice.IDLE_RECHECK per request).")
    boolean doorbell;

    @Override
    public String name() {
        return "mailbox";
    }

    @Override
    public String description() {
        return "command mailbox in shared memory (ECHO, ADD, CRC32); layout in dev.sysmem.sim.mailbox.MailboxLayout";
    }

    @Override
    public long minRegionSize() {
        return MailboxLayout.MIN_REGION_SIZE;
    }

    @Override
    public Model build(Setup setup) {
        SysMem region = setup.region();
        MailboxDevice.Builder builder = MailboxDevice.builder(setup.deviceName(), region);
        if (doorbell) {
            builder.doorbell();
        }
        setup.trace().ifPresent(builder::trace);
        MailboxDevice device = builder.build();
        SysMem state = region.withMode(AccessMode.ACQUIRE_RELEASE);
        return new Model(device,
                () -> state.read32(MailboxLayout.DEVICE_STATE.offset()) == MailboxLayout.STATE_READY,
                () -> device.served() + " requests served");
    }
}
