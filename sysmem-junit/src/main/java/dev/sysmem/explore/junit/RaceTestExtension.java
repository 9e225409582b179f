package dev.sysmem.explore.junit;

import dev.sysmem.explore.ExplorationResult;
import dev.sysmem.explore.ExploredRun;
import dev.sysmem.explore.Explorer;
import dev.sysmem.explore.Strategy;
import dev.sysmem.io.Io;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.junit.DeviceDeclaration;
import dev.sysmem.sim.junit.SimulatedDevice;
import dev.sysmem.sim.remote.DeviceKind;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a {@link RaceTest} method under the explorer: JUnit's single invocation is replaced by one
 * invocation per schedule, each on the explorer's {@code test} thread with that schedule's
 * {@link ExploredRun}. The method's name ({@code Class#method}) is the test name replay strings
 * carry. A bad declaration (unknown strategy, malformed replay string, a string for another test)
 * fails the test with an {@link ExtensionConfigurationException} naming it.
 *
 * <p><b>With {@link SimulatedDevice}.</b> Each schedule builds a fresh device of the declared kind
 * on that schedule's explored memory and starts it with a {@link DeviceRunner} on the
 * {@code test} thread, so the scheduler runs its thread ({@code device-<name>} in the trace) and
 * every access of driver and device is a scheduling point; the device is stopped when the body
 * ends, and a device failure fails the schedule. Parameters are given per schedule: {@link Io}
 * and {@link SysMem} (the driver's view of the region, untraced: the explorer's trace has every
 * access), the device by its class or a supertype, the {@link DeviceRunner}, and
 * {@link ExploredRun}. The device is not started by {@code DeviceExtension} for such a test. A
 * parameter this extension cannot give ({@link AccessTrace}; a device class the kind does not
 * build) or a bad {@code @SimulatedDevice} fails the test before any schedule runs, naming it.
 */
public final class RaceTestExtension implements InvocationInterceptor, ParameterResolver {

    /** The system property that replays one schedule instead of exploring. */
    public static final String REPLAY_PROPERTY = "sysmem.replay";

    /** Made by JUnit for {@code @ExtendWith(RaceTestExtension.class)}, which {@link RaceTest} carries. */
    public RaceTestExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == ExploredRun.class) {
            return true;
        }
        return DeviceDeclaration.find(context).isPresent()
                && (type == Io.class || type == SysMem.class || type == DeviceRunner.class || type == AccessTrace.class
                || Device.class.isAssignableFrom(type));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == AccessTrace.class) {
            throw new ParameterResolutionException("@RaceTest cannot give " + parameter.getParameter() + " of "
                    + parameter.getDeclaringExecutable() + ": a device's AccessTrace keeps no schedule order; the "
                    + "explorer's trace table, in the failure, has every access of the driver and the device");
        }
        // Each schedule gets its own values, passed when the explorer invokes the method.
        return null;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext context) throws Throwable {
        invocation.skip();
        Method method = invocationContext.getExecutable();
        RaceTest declared = AnnotationSupport.findAnnotation(method, RaceTest.class).orElseThrow();
        String testName = method.getDeclaringClass().getName() + "#" + method.getName();
        Explorer explorer = explorer(declared, testName);
        Optional<DeviceDeclaration> device = DeviceDeclaration.find(context)
                .map(d -> DeviceDeclaration.of(d, context.getRequiredTestClass()));
        device.ifPresent(d -> checkDeviceParameters(d, method));
        Object target = invocationContext.getTarget().orElse(null);
        Object[] arguments = invocationContext.getArguments().toArray();
        method.setAccessible(true);
        ExplorationResult result = explorer.check(run -> {
            ScheduleDevice started = device.isPresent() ? ScheduleDevice.start(device.get(), run) : null;
            Object[] args = arguments(method, arguments, run, started);
            Throwable failure = null;
            try {
                method.invoke(target, args);
            } catch (InvocationTargetException e) {
                failure = e.getCause();
                throw rethrow(failure);
            } finally {
                if (started != null) {
                    started.stop(failure);
                }
            }
        });
        context.publishReportEntry("sysmem.explorer", result.summary());
        if (declared.requireExhausted() && !result.exhausted()) {
            throw new AssertionError("the exploration did not run every schedule within the bound: " + result.summary());
        }
    }

    /** The method's arguments for one schedule: what JUnit resolved, with this schedule's run and device. */
    private static Object[] arguments(Method method, Object[] resolved, ExploredRun run, ScheduleDevice device) {
        Object[] args = resolved.clone();
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == ExploredRun.class) {
                args[i] = run;
            } else if (device != null) {
                if (types[i] == Io.class || types[i] == SysMem.class) {
                    args[i] = device.region;
                } else if (types[i] == DeviceRunner.class) {
                    args[i] = device.runner;
                } else if (Device.class.isAssignableFrom(types[i])) {
                    args[i] = device.device;
                }
            }
        }
        return args;
    }

    /**
     * Refuses, before exploring, a kind that cannot be built on memory that is not a mapping (as
     * explored memory is not) and a device parameter the kind does not build: a device built once,
     * as each schedule builds it, on a view of ordinary memory (and never started) shows both.
     */
    private static void checkDeviceParameters(DeviceDeclaration declared, Method method) {
        Class<?> built;
        try (SharedMemory probe = SharedMemory.anonymous(declared.regionSize())) {
            built = declared.kind().build(DeviceKind.Setup.over(declared.name(), probe.io(declared.name()),
                    Optional.empty())).device().getClass();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SimulatedDevice '" + declared.name() + "' on " + method
                    + " cannot run under @RaceTest: " + e.getMessage(), e);
        }
        for (Parameter p : method.getParameters()) {
            if (Device.class.isAssignableFrom(p.getType()) && !p.getType().isAssignableFrom(built)) {
                throw new ParameterResolutionException("@RaceTest cannot give " + p + " of " + method + ": device '"
                        + declared.name() + "' of kind " + declared.kind().name() + " is a " + built.getName());
            }
        }
    }

    private static Explorer explorer(RaceTest declared, String testName) {
        try {
            String replay = System.getProperty(REPLAY_PROPERTY, "");
            return Explorer.builder(testName)
                    .strategy(Strategy.parse(declared.strategy()))
                    .seed(declared.seed())
                    .iterations(declared.iterations())
                    .preemptionBound(declared.preemptionBound())
                    .weakMemory(declared.weakMemory())
                    .pctDepth(declared.pctDepth())
                    .maxSteps(declared.maxSteps())
                    .deadline(Duration.ofSeconds(declared.deadlineSeconds()))
                    .replay(replay.isBlank() ? declared.replay() : replay)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@RaceTest on " + testName + ": " + e.getMessage(), e);
        }
    }

    private static Exception rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof Exception e ? e : new RuntimeException(cause);
    }
}
