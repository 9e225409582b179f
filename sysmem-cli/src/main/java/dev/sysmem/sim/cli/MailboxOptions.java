package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.MailboxKind;
import picocli.CommandLine.Option;

/** {@code run mailbox}'s own option, mapped to {@link MailboxKind.Options}. */
final class MailboxOptions implements KindOptions {

    @Option(names = "--doorbell", description = "Wake the device with an in-process doorbell instead of polling "
            + "the DOORBELL word (only a driver in the same JVM rings it; others wait up to "
            + "MailboxDevice.IDLE_RECHECK per request).")
    boolean doorbell;

    @Override
    public DeviceKind kind() {
        return new MailboxKind(new MailboxKind.Options(doorbell));
    }
}
