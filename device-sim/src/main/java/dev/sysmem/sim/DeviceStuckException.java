package dev.sysmem.sim;

import java.util.List;

/**
 * A device thread did not end although it was asked to stop and then interrupted, each time with
 * the runner's deadline to react. The runner says so instead of waiting forever: the message
 * names each stuck device and shows where its thread was when the runner gave up.
 *
 * <p>Device threads are daemon threads, so a stuck one does not keep the JVM alive; it is still a
 * bug in the device model (a wait without a deadline, or one that swallows interrupts).
 */
public final class DeviceStuckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> deviceNames;

    DeviceStuckException(List<String> deviceNames, String message) {
        super(message);
        this.deviceNames = List.copyOf(deviceNames);
    }

    /** The names of the devices whose threads were still running. */
    public List<String> deviceNames() {
        return deviceNames;
    }
}
