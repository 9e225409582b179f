package dev.sysmem.sim.junit;

import dev.sysmem.explore.junit.RaceTest;
import dev.sysmem.io.Io;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.DeviceStuckException;
import dev.sysmem.sim.remote.DeviceKind;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import java.util.Optional;

/**
 * Runs the device a test declares with {@link SimulatedDevice}: before each test it makes fresh
 * anonymous shared memory, builds the device of the declared kind over it and starts it with a
 * {@link DeviceRunner}; it injects the driver's view, the device, the trace and the runner into
 * parameters; after each test it stops the device.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The device is always stopped after the test, whether the test passed, failed or was
 *       aborted, within the declared stop deadline (twice, as {@link DeviceRunner#stop()}): no
 *       {@code device-*} thread of the test survives it. The memory is freed after the device
 *       stopped.</li>
 *   <li>If the device failed (or did not stop), the test fails: with the runner's
 *       {@link DeviceFailureException} (naming the device, its exception as cause) or
 *       {@link DeviceStuckException}, carrying the {@link AccessTraceDump} of the device's and
 *       the driver's last accesses as a suppressed exception. If the test itself failed, that
 *       exception is suppressed into the test's own.</li>
 *   <li>Whenever the test or the device failed, the trace is also published as a report entry
 *       {@code sysmem.trace.<device>}.</li>
 *   <li>A bad declaration (unknown kind, a factory method that is missing, not static or returns
 *       something else than a {@link DeviceKind}, options the kind refuses, a region too small)
 *       fails the test with an {@link ExtensionConfigurationException} naming it, before any device
 *       starts.</li>
 * </ul>
 */
public final class DeviceExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Made by JUnit for {@code @ExtendWith(DeviceExtension.class)}, which {@link SimulatedDevice} carries. */
    public DeviceExtension() {
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DeviceExtension.class);
    private static final String KEY = "device";

    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<SimulatedDevice> declared = declaration(context);
        if (declared.isEmpty()) {
            return;
        }
        context.getStore(NAMESPACE).put(KEY, StartedDevice.start(declared.get(), context.getRequiredTestClass()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        StartedDevice device = context.getStore(NAMESPACE).remove(KEY, StartedDevice.class);
        if (device == null) {
            return;
        }
        RuntimeException failure = device.stop();
        if (device.trace != null && (failure != null || context.getExecutionException().isPresent())) {
            context.publishReportEntry("sysmem.trace." + device.name, device.trace.dump());
        }
        if (failure != null) {
            if (device.trace != null) {
                failure.addSuppressed(new AccessTraceDump(device.name, device.trace));
            }
            throw failure;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        if (declaration(context).isEmpty()) {
            return false;
        }
        Class<?> type = parameter.getParameter().getType();
        return type == Io.class || type == SysMem.class || type == AccessTrace.class || type == DeviceRunner.class
                || dev.sysmem.sim.Device.class.isAssignableFrom(type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        StartedDevice device = context.getStore(NAMESPACE).get(KEY, StartedDevice.class);
        Class<?> type = parameter.getParameter().getType();
        if (device == null) {
            throw new ParameterResolutionException("no simulated device runs for " + parameter.getParameter()
                    + ": @SimulatedDevice devices exist for test methods and @BeforeEach/@AfterEach methods only");
        }
        if (type == Io.class) {
            return device.trace != null ? device.trace.wrap(device.driverView) : device.driverView;
        }
        if (type == SysMem.class) {
            return device.driverView;
        }
        if (type == AccessTrace.class) {
            if (device.trace == null) {
                throw new ParameterResolutionException("device '" + device.name + "' has no trace: @SimulatedDevice(trace = 0)");
            }
            return device.trace;
        }
        if (type == DeviceRunner.class) {
            return device.runner;
        }
        if (type.isInstance(device.model.device())) {
            return device.model.device();
        }
        throw new ParameterResolutionException("parameter " + parameter.getParameter() + " wants a " + type.getName()
                + ", but device '" + device.name + "' is a " + device.model.device().getClass().getName());
    }

    /**
     * The declaration this extension serves: none for a {@link RaceTest}, whose explorer builds the
     * device itself, once per schedule, on explored memory.
     */
    private static Optional<SimulatedDevice> declaration(ExtensionContext context) {
        boolean explored = context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, RaceTest.class)).orElse(false);
        return explored ? Optional.empty() : DeviceDeclaration.find(context);
    }

    /** One test's device: its memory, model, runner and trace. Closing it stops the device, once. */
    private static final class StartedDevice implements AutoCloseable {
        final String name;
        final SharedMemory memory;
        final SysMem driverView;
        final DeviceKind.Model model;
        final AccessTrace trace;
        final DeviceRunner runner;
        private boolean stopped;

        private StartedDevice(String name, SharedMemory memory, DeviceKind.Model model, AccessTrace trace,
                              DeviceRunner runner) {
            this.name = name;
            this.memory = memory;
            this.driverView = memory.io(name + "-driver");
            this.model = model;
            this.trace = trace;
            this.runner = runner;
        }

        static StartedDevice start(SimulatedDevice declared, Class<?> testClass) {
            DeviceDeclaration device = DeviceDeclaration.of(declared, testClass);
            String name = device.name();
            long size = device.regionSize();
            AccessTrace trace = device.traceCapacity() == 0 ? null : new AccessTrace(device.traceCapacity());
            SharedMemory memory = SharedMemory.anonymous(size);
            try {
                DeviceKind.Model model = device.kind().build(new DeviceKind.Setup(name, memory, 0, size, Optional.ofNullable(trace)));
                DeviceRunner runner = new DeviceRunner(device.stopDeadline());
                runner.start(model.device());
                return new StartedDevice(name, memory, model, trace, runner);
            } catch (RuntimeException e) {
                memory.close();
                throw e;
            }
        }

        /** Stops the device and frees the memory; returns the device's failure or stuck thread, if any. */
        synchronized RuntimeException stop() {
            if (stopped) {
                return null;
            }
            stopped = true;
            try {
                runner.stop();
                return null;
            } catch (DeviceFailureException | DeviceStuckException e) {
                return e;
            } finally {
                memory.close();
            }
        }

        /** Called by JUnit if the test's store is closed without {@code afterEach} (which stops it first). */
        @Override
        public void close() {
            RuntimeException failure = stop();
            if (failure != null) {
                throw failure;
            }
        }
    }
}
