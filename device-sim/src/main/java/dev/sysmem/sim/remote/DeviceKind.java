package dev.sysmem.sim.remote;

import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A kind of device that can be started by name over a region of shared memory: what the
 * {@code sysmem-sim} command line lists and runs, what the JUnit extension
 * ({@code @SimulatedDevice(kind = "mailbox")}) starts, and the KIND a {@link RemoteDeviceHost}
 * writes into the header so that a driver in another process finds the device it expects.
 *
 * <p>A kind's own parameters are picocli {@code @Option} fields of the implementing class, read
 * by {@link #build}; the command line offers them after {@code run <kind>}, and the JUnit
 * extension parses its {@code options} with them. Because options are fields, an instance is
 * used for one device: {@link DeviceKinds} hands out fresh ones.
 *
 * <p><b>Contract.</b> {@link #build} only constructs: the device does not run until a
 * {@link dev.sysmem.sim.DeviceRunner} starts it, and it touches nothing but {@code region}.
 * {@link Model#ready()} turns true once the device serves (and stays true while it runs); the
 * host publishes READY then.
 *
 * <pre>{@code
 * DeviceKind kind = DeviceKinds.create("mailbox");
 * DeviceKind.Model model = kind.build("mbox", shm.io("mbox"), Optional.empty());
 * try (DeviceRunner runner = new DeviceRunner().start(model.device())) { ... }
 * }</pre>
 */
public interface DeviceKind {

    /** The kind's name, as typed on the command line and written in KIND: {@code [a-z0-9-]}, at most 32 characters. */
    String name();

    /** One line saying what the device is and which spec it follows. */
    String description();

    /** The smallest region the device works in, in bytes. */
    long minRegionSize();

    /** The region size used when none is asked for. */
    default long defaultRegionSize() {
        return minRegionSize();
    }

    /**
     * A device named {@code deviceName} over {@code region} (offset 0 is the device's first byte),
     * recording its accesses into {@code trace} if one is given, configured by this instance's
     * options.
     *
     * @throws IllegalArgumentException if the region does not suit the device (too small, read-only, ...)
     */
    Model build(String deviceName, SysMem region, Optional<AccessTrace> trace);

    /**
     * A built device and what a host shows about it.
     *
     * @param device   the device, not started
     * @param ready    true once the device serves requests
     * @param activity a short account of what it has done so far, for a status line (for example
     *                 {@code "42 requests served"})
     */
    record Model(Device device, BooleanSupplier ready, Supplier<String> activity) {
        public Model {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(ready, "ready");
            Objects.requireNonNull(activity, "activity");
        }
    }
}
