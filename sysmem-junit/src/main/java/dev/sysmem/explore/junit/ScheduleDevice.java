package dev.sysmem.explore.junit;

import dev.sysmem.explore.ExploredRun;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.junit.DeviceDeclaration;
import dev.sysmem.sim.remote.DeviceKind;

import java.util.Optional;

/**
 * The {@code @SimulatedDevice} of one explored schedule: built on that schedule's explored memory
 * and started by a {@link DeviceRunner} on the schedule's {@code test} thread, so its thread
 * ({@code device-<name>}) is one the scheduler runs, and every access it makes is a scheduling
 * point. Stopping it is part of the schedule: a device that failed fails the schedule.
 */
final class ScheduleDevice {

    /** The driver's view of the region: the explored memory itself, {@code OPAQUE}. */
    final SysMem region;
    final Device device;
    final DeviceRunner runner;

    private ScheduleDevice(SysMem region, Device device, DeviceRunner runner) {
        this.region = region;
        this.device = device;
        this.runner = runner;
    }

    /** Builds and starts the declared device on fresh explored memory of {@code run}; call on its {@code test} thread. */
    static ScheduleDevice start(DeviceDeclaration declared, ExploredRun run) {
        SysMem memory = run.memory(declared.name(), declared.regionSize());
        // No AccessTrace: the explorer's trace table already has every access of driver and device, in order.
        DeviceKind.Model model = declared.kind().build(DeviceKind.Setup.over(declared.name(), memory, Optional.empty()));
        DeviceRunner runner = new DeviceRunner(declared.stopDeadline());
        runner.start(model.device());
        return new ScheduleDevice(memory, model.device(), runner);
    }

    /**
     * Stops the device (rethrowing its failure, which fails the schedule) after the test body
     * ended; {@code bodyFailure}, if any, stays the schedule's failure, with the device's suppressed.
     */
    void stop(Throwable bodyFailure) {
        try {
            runner.stop();
        } catch (RuntimeException | Error e) {
            if (bodyFailure == null) {
                throw e;
            }
            bodyFailure.addSuppressed(e);
        }
    }
}
