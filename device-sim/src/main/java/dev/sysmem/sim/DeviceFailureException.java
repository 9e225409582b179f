package dev.sysmem.sim;

/**
 * A device's loop threw: the exception that reaches the code that started the device, naming the
 * device, with the device's own exception as the cause (its stack trace shows where in the model
 * it failed). When several devices of one runner failed, the first is the cause and the others'
 * failures are suppressed exceptions of this one.
 */
public final class DeviceFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String deviceName;

    DeviceFailureException(String deviceName, String threadName, Throwable cause) {
        super("device '" + deviceName + "' failed on thread " + threadName + ": " + cause, cause);
        this.deviceName = deviceName;
    }

    /** The name of the device that failed. */
    public String deviceName() {
        return deviceName;
    }
}
