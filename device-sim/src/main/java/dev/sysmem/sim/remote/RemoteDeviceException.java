package dev.sysmem.sim.remote;

import java.nio.file.Path;

/**
 * The driver side could not use a remote device's file: it is not a device file (wrong MAGIC), it
 * has another layout version, it holds another kind of device, its header contradicts its size,
 * or no device became ready before the deadline. The message names the file and what was found.
 */
public class RemoteDeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    RemoteDeviceException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The shared file of the device. */
    public Path file() {
        return file;
    }
}
