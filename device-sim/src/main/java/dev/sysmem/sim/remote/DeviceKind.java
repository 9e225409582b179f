package dev.sysmem.sim.remote;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A kind of device that can be started by name over a region of shared memory: what the
 * {@code sysmem sim} command line lists and runs, what the JUnit extension
 * ({@code @SimulatedDevice("mailbox")}) starts, and the KIND a {@link RemoteDeviceHost}
 * writes into the header so that a driver in another process finds the device it expects.
 *
 * <p>A kind's own parameters are a plain options object the implementing class takes in its
 * constructor ({@link MailboxKind.Options}, {@link ChaosKind.Options}); an instance is one
 * configured kind and may build any number of devices. The command line and the JUnit extension
 * map what their users type to those objects; {@link DeviceKinds} hands out each kind with its
 * default options.
 *
 * <p><b>Contract.</b> {@link #build} only constructs: the device does not run until a
 * {@link dev.sysmem.sim.DeviceRunner} starts it, and it touches nothing but its region (and, to
 * simulate removal, may close its memory).
 * {@link Model#ready()} turns true once the device serves (and stays true while it runs); the
 * host publishes READY then.
 *
 * <pre>{@code
 * DeviceKind kind = DeviceKinds.create("mailbox");
 * DeviceKind.Model model = kind.build(new DeviceKind.Setup("mbox", shm, 0, shm.size(), Optional.empty()));
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
     * A device over the region {@code setup} describes, named and traced as it says, configured by
     * this instance's options. Each call builds a new device.
     *
     * @throws IllegalArgumentException if the region does not suit the device (too small, read-only, ...)
     */
    Model build(Setup setup);

    /**
     * Where and how a device is built: its name, a view of the memory holding its region, the part
     * of that memory that is its region, the trace to record into, if any, and the
     * {@link SharedMemory} behind the view when there is one (a device that simulates surprise
     * removal closes it). A host gives the device a mapping of its own, so that closing it takes
     * nothing else away.
     *
     * <p>The memory is a {@link SysMem} view so that a device can be built on memory that is not
     * a mapping: the race explorer's memory ({@code SysMem.intercepted}), where every access the
     * device makes is a scheduling point. Kinds that need the mapping itself say so with an
     * {@link IllegalArgumentException} from {@link DeviceKind#build} when {@link #mapping()} is empty.
     *
     * @param deviceName   the device's name
     * @param memory       a view of the memory holding the region, from its first byte
     * @param regionOffset where the region starts in {@code memory}
     * @param regionSize   the region's size in bytes
     * @param trace        where the device records its accesses, if anywhere
     * @param mapping      the shared memory {@code memory} views, if it is one
     */
    record Setup(String deviceName, SysMem memory, long regionOffset, long regionSize,
                 Optional<AccessTrace> trace, Optional<SharedMemory> mapping) {
        public Setup {
            Objects.requireNonNull(deviceName, "deviceName");
            Objects.requireNonNull(memory, "memory");
            Objects.requireNonNull(trace, "trace");
            Objects.requireNonNull(mapping, "mapping");
            if (regionOffset < 0 || regionSize <= 0 || regionOffset > memory.size() - regionSize) {
                throw new IndexOutOfBoundsException("device '" + deviceName + "': a region of " + regionSize
                        + " bytes at offset " + regionOffset + " does not fit its " + memory.size() + "-byte memory");
            }
        }

        /** A device over {@code regionSize} bytes at {@code regionOffset} of {@code memory}, which it may close. */
        public Setup(String deviceName, SharedMemory memory, long regionOffset, long regionSize,
                     Optional<AccessTrace> trace) {
            this(deviceName, memory.io(Objects.requireNonNull(deviceName, "deviceName")), regionOffset, regionSize,
                    trace, Optional.of(memory));
        }

        /** A device over all of {@code memory}, a view that is not a mapping (such as the race explorer's memory). */
        public static Setup over(String deviceName, SysMem memory, Optional<AccessTrace> trace) {
            return new Setup(deviceName, memory, 0, memory.size(), trace, Optional.empty());
        }

        /** The region as an {@link AccessMode#OPAQUE} view named after the device. */
        public SysMem region() {
            return memory.withMode(AccessMode.OPAQUE).slice(regionOffset, regionSize).withName(deviceName);
        }
    }

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
