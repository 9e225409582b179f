package dev.sysmem.sim.junit;

import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.DeviceKinds;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link SimulatedDevice} annotation declares, checked and resolved: the kind, the device's
 * name, its region size, how many accesses its trace keeps and its stop deadline. Shared by
 * {@link DeviceExtension}, which builds the device on shared memory once per test, and the race
 * explorer's {@code @RaceTest}, which builds it on explored memory once per schedule.
 *
 * @param kind               the kind to build
 * @param name               the device's name (its thread is {@code device-<name>})
 * @param regionSize         the region's size in bytes, at least the kind's minimum
 * @param traceCapacity      how many recent accesses the trace keeps; 0 for no trace
 * @param stopDeadline       how long each phase of stopping the device may take
 */
public record DeviceDeclaration(DeviceKind kind, String name, long regionSize, int traceCapacity, Duration stopDeadline) {

    public DeviceDeclaration {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stopDeadline, "stopDeadline");
    }

    /**
     * The declaration that applies to the test (or {@code @BeforeEach}/{@code @AfterEach} method)
     * of {@code context}: the method's own, else the nearest of its class and, for a
     * {@code @Nested} class, the classes enclosing it.
     */
    public static Optional<SimulatedDevice> find(ExtensionContext context) {
        Optional<SimulatedDevice> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, SimulatedDevice.class));
        if (onMethod.isPresent()) {
            return onMethod;
        }
        for (Class<?> c = context.getTestClass().orElse(null); c != null;
             c = Modifier.isStatic(c.getModifiers()) ? null : c.getEnclosingClass()) {
            Optional<SimulatedDevice> onClass = AnnotationSupport.findAnnotation(c, SimulatedDevice.class);
            if (onClass.isPresent()) {
                return onClass;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code declared} resolved for {@code testClass} (whose factory methods it may name).
     *
     * @throws ExtensionConfigurationException naming what is wrong: not exactly one of a kind
     *         name, a kind class and a factory; an unknown kind; a factory that is missing, not
     *         static, returns something else than a {@link DeviceKind} or null; a region smaller
     *         than the kind needs; a negative trace or a stop deadline that is not positive
     */
    public static DeviceDeclaration of(SimulatedDevice declared, Class<?> testClass) {
        DeviceKind kind = kind(declared, testClass);
        String name = declared.name().isEmpty() ? kind.name() : declared.name();
        long size = declared.regionSize() == 0 ? kind.defaultRegionSize() : declared.regionSize();
        if (size < kind.minRegionSize()) {
            throw new ExtensionConfigurationException("@SimulatedDevice '" + name + "': regionSize " + size
                    + " is smaller than a " + kind.name() + " device needs (" + kind.minRegionSize() + " bytes)");
        }
        if (declared.trace() < 0 || declared.stopDeadlineMillis() <= 0) {
            throw new ExtensionConfigurationException("@SimulatedDevice '" + name + "': trace must not be negative "
                    + "and stopDeadlineMillis must be positive, were " + declared.trace() + " and "
                    + declared.stopDeadlineMillis());
        }
        return new DeviceDeclaration(kind, name, size, declared.trace(), Duration.ofMillis(declared.stopDeadlineMillis()));
    }

    private static DeviceKind kind(SimulatedDevice declared, Class<?> testClass) {
        boolean byName = !declared.value().isEmpty();
        boolean byClass = declared.kindClass() != DeviceKind.class;
        boolean byFactory = !declared.factory().isEmpty();
        if ((byName ? 1 : 0) + (byClass ? 1 : 0) + (byFactory ? 1 : 0) != 1) {
            throw new ExtensionConfigurationException("@SimulatedDevice needs exactly one of a kind name (value), "
                    + "a kindClass and a factory; kinds by name: " + DeviceKinds.names());
        }
        try {
            if (byName) {
                return DeviceKinds.create(declared.value());
            }
            if (byClass) {
                return ReflectionSupport.newInstance(declared.kindClass());
            }
            return fromFactory(declared.factory(), testClass);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SimulatedDevice: " + e.getMessage(), e);
        }
    }

    /** Calls the static no-argument method {@code name} of the test class (or a class enclosing it). */
    private static DeviceKind fromFactory(String name, Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<Method> found = ReflectionSupport.findMethod(c, name);
            if (found.isEmpty()) {
                continue;
            }
            Method method = found.get();
            if (!Modifier.isStatic(method.getModifiers()) || !DeviceKind.class.isAssignableFrom(method.getReturnType())) {
                throw new ExtensionConfigurationException("@SimulatedDevice(factory = \"" + name + "\"): " + method
                        + " must be static and return a DeviceKind");
            }
            Object kind = ReflectionSupport.invokeMethod(method, null);
            if (kind == null) {
                throw new ExtensionConfigurationException("@SimulatedDevice(factory = \"" + name + "\"): "
                        + method + " returned null");
            }
            return (DeviceKind) kind;
        }
        throw new ExtensionConfigurationException("@SimulatedDevice(factory = \"" + name + "\"): "
                + testClass.getName() + " has no method " + name + "() (nor has a class enclosing it)");
    }
}
