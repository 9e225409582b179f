package dev.sysmem.sim.junit;

import dev.sysmem.sim.AccessTrace;

/**
 * The last accesses of a device and its driver, attached as a suppressed exception to the failure
 * of a test that used a {@link SimulatedDevice}, so that the report shows what happened before
 * it failed. It carries no stack trace of its own: the message is the dump.
 */
public final class AccessTraceDump extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String deviceName;

    AccessTraceDump(String deviceName, AccessTrace trace) {
        super("device '" + deviceName + "', " + trace.dump(), null, false, false);
        this.deviceName = deviceName;
    }

    /** The device whose trace this is. */
    public String deviceName() {
        return deviceName;
    }
}
