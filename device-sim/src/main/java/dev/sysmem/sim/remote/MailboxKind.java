package dev.sysmem.sim.remote;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxLayout;

import java.util.Objects;

/**
 * The {@code mailbox} kind: a {@link MailboxDevice} over the region, at its offset 0. Ready once
 * the device has written DEVICE_STATE = ready, as {@link MailboxLayout} specifies.
 *
 * <pre>{@code
 * DeviceKind kind = new MailboxKind(new MailboxKind.Options(true));   // woken by an in-process doorbell
 * }</pre>
 */
public final class MailboxKind implements DeviceKind {

    /**
     * How a mailbox device is configured.
     *
     * @param doorbell wake the device with an in-process doorbell instead of having it poll the
     *                 DOORBELL word; only a driver in the same JVM rings it, others wait up to
     *                 {@link MailboxDevice#IDLE_RECHECK} per request
     */
    public record Options(boolean doorbell) {
        /** A polling mailbox. */
        public static final Options DEFAULT = new Options(false);
    }

    private final Options options;

    /** A mailbox with {@link Options#DEFAULT}. */
    public MailboxKind() {
        this(Options.DEFAULT);
    }

    /** A mailbox configured by {@code options}. */
    public MailboxKind(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** How devices of this kind are configured. */
    public Options options() {
        return options;
    }

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
        if (options.doorbell()) {
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
