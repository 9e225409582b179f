package dev.sysmem.bench.ring;

import dev.sysmem.io.SharedMemory;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtqueue contender for {@link RingCpuCost} taken from another build of this project, so that
 * the queue before and after a change run in the same JVM, interleaved with the same Agrona and
 * JCTools contenders, instead of in two JVMs whose ratios differ by their own noise.
 *
 * <p>The build is given as {@code LABEL=CLASSPATH}: a benchmarks jar of that build (which holds
 * the whole stack, shaded), or class directories in front of one (to try a device-sim change
 * without packaging it). Its classes are loaded by their own class loader whose parent is the
 * platform loader, so nothing of this build's {@code dev.sysmem} classes is shared with it. One
 * loader serves every contender of a build for the whole run, as this build's own contenders
 * share their classes: both modes and both payloads then run through the same compiled code, with
 * the same mixed profile (a loader per contender would give each a one-mode profile and make it
 * look faster than the same code run directly). Its
 * {@code VirtqueueProducer} must have the constructor {@code (int payload, boolean inOrder)} and
 * the methods {@code attachDeviceOnThisThread()}, {@code sendBatchOnThisThread(VirtqueueDevice,
 * int, int)} and {@code close()}, as every build since the one that added {@code RingCpuCost}.
 *
 * <p>Each pass is one reflective call per {@link RingCpuCost#BATCH} buffers, a few nanoseconds
 * over 256 buffers; to compare like with like, give this build's own jar as one of the builds too.
 */
final class VirtqueueBuild {

    private static final Map<String, URLClassLoader> LOADERS = new HashMap<>();

    private VirtqueueBuild() {
    }

    static RingCpuCost.Contender contender(String build, int payload, boolean inOrder) {
        int eq = build.indexOf('=');
        if (eq <= 0 || eq == build.length() - 1) {
            throw new IllegalArgumentException("--compare wants LABEL=CLASSPATH, got '" + build + "'");
        }
        String label = build.substring(0, eq);
        List<URL> urls = new ArrayList<>();
        for (String entry : build.substring(eq + 1).split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("--compare " + label + ": " + path + " does not exist");
            }
            try {
                urls.add(path.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--compare " + label + ": " + path + " is not a usable path", e);
            }
        }
        // Never closed: its classes run until the JVM exits.
        URLClassLoader loader = LOADERS.computeIfAbsent(build,
                b -> new URLClassLoader(label, urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()));
        Class<?> producerClass;
        Class<?> deviceClass;
        try {
            producerClass = Class.forName(VirtqueueProducer.class.getName(), true, loader);
            deviceClass = Class.forName("dev.sysmem.sim.virtio.VirtqueueDevice", true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("--compare " + label + ": " + build.substring(eq + 1)
                    + " does not hold a loadable VirtqueueProducer and VirtqueueDevice: " + e, e);
        }
        try {
            if (producerClass == VirtqueueProducer.class || SharedMemory.class.getClassLoader() == loader) {
                throw new IllegalStateException("--compare " + label + " did not load its own classes");
            }
            Constructor<?> create = producerClass.getDeclaredConstructor(int.class, boolean.class);
            Method attach = producerClass.getDeclaredMethod("attachDeviceOnThisThread");
            Method send = producerClass.getDeclaredMethod("sendBatchOnThisThread", deviceClass, int.class, int.class);
            Method close = producerClass.getDeclaredMethod("close");
            create.setAccessible(true);
            attach.setAccessible(true);
            send.setAccessible(true);
            close.setAccessible(true);
            Object producer = create.newInstance(payload, inOrder);
            Object device = attach.invoke(producer);
            String name = "virtqueue " + label + (inOrder ? ", IN_ORDER" : "");
            return new RingCpuCost.Contender() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public void pass(int batches) {
                    try {
                        for (int b = 0; b < batches; b++) {
                            send.invoke(producer, device, RingCpuCost.BATCH, VirtqueueThroughput.KICK_BATCH);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    } catch (InvocationTargetException e) {
                        throw new IllegalStateException(name + " failed", e.getCause());
                    }
                }

                @Override
                public void close() {
                    try {
                        close.invoke(producer);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("closing " + name, e);
                    }
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("--compare " + label + ": its VirtqueueProducer does not have the"
                    + " constructor and methods RingCpuCost drives", e);
        }
    }
}
