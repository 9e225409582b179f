package dev.sysmem.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of the whole views of one region (a {@link SharedMemory}'s memory, or the segment
 * given to {@link SysMem#of}): for each mode, the mode's {@link DirectSysMem} class defined again
 * as a hidden class whose class data is the region's segment. That class reads the segment into a
 * {@code static final} field, which the JIT folds: its accesses load no segment, where a view of
 * the class loaded by name loads it for every ordered access (see {@link DirectSysMem}).
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The code is the mode's class byte for byte, so every check and message is the same; the
 *       mode picks its class by an exhaustive {@code switch} ({@link #template}).</li>
 *   <li>At most one class per mode per region, defined on the first view in that mode; every
 *       later view of the region in that mode, whatever its name, is an instance of it.</li>
 *   <li>The classes are defined without {@code STRONG}: once no view of the region and no
 *       {@code ConstantViews} of it is reachable, they are unloaded like any unreachable class.</li>
 * </ul>
 *
 * <p>The price, against one class per mode: a call site that sees views of several regions sees
 * several classes (bimorphic with two, a virtual call with three or more, which the JIT does not
 * inline), and each region's class is compiled on its own.
 */
final class ConstantViews {

    private static final MethodType CONSTRUCTOR = MethodType.methodType(void.class, String.class, MemorySegment.class,
            ConstantViews.class);

    /** Each template's class file, read once per JVM: defining a region's class needs only the bytes. */
    private static final Map<Class<?>, byte[]> TEMPLATE_BYTES = new ConcurrentHashMap<>();

    private final MemorySegment segment;
    private final Map<AccessMode, MethodHandle> constructors = new ConcurrentHashMap<>();

    ConstantViews(MemorySegment segment) {
        this.segment = Objects.requireNonNull(segment, "segment");
    }

    /** A view named {@code name} of the whole region in {@code mode}. */
    DirectSysMem view(String name, AccessMode mode) {
        MethodHandle constructor = constructors.computeIfAbsent(mode, this::define);
        try {
            return (DirectSysMem) constructor.invoke(name, segment, this);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("region '" + name + "': could not make its " + mode + " view", e);
        }
    }

    /** The class each mode's views are made of; the one place a mode picks a class, with {@link SysMem#direct}. */
    static Class<? extends DirectSysMem> template(AccessMode mode) {
        return switch (mode) {
            case PLAIN -> PlainSysMem.class;
            case OPAQUE -> OpaqueSysMem.class;
            case ACQUIRE_RELEASE -> AcquireReleaseSysMem.class;
            case VOLATILE -> VolatileSysMem.class;
        };
    }

    /**
     * The segment a class was defined for, read from its own lookup ({@code MethodHandles.lookup()}
     * in its static initializer); {@code null} in a class loaded by its name, which has no class data.
     */
    static MemorySegment segmentOf(MethodHandles.Lookup self) {
        try {
            return MethodHandles.classData(self, ConstantDescs.DEFAULT_NAME, MemorySegment.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(self.lookupClass() + " asked for its class data without its own full-power lookup", e);
        }
    }

    private MethodHandle define(AccessMode mode) {
        Class<? extends DirectSysMem> template = template(mode);
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(
                    TEMPLATE_BYTES.computeIfAbsent(template, ConstantViews::bytes), segment, true);
            return hidden.findConstructor(hidden.lookupClass(), CONSTRUCTOR);
        } catch (IllegalAccessException | NoSuchMethodException e) {
            throw new IllegalStateException("could not define the " + mode + " view class of a " + segment.byteSize()
                    + "-byte region from " + template.getName(), e);
        }
    }

    private static byte[] bytes(Class<?> template) {
        String resource = template.getSimpleName() + ".class";
        try (InputStream in = template.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the class file " + resource + " of " + template.getName() + " is not readable");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("could not read the class file " + resource + " of " + template.getName(), e);
        }
    }
}
