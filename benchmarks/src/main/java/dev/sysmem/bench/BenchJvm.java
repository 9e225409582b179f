package dev.sysmem.bench;

/**
 * The JVM flags every forked benchmark JVM gets, as constants JMH annotations can name.
 * Every contender runs with all of them, so no contender runs under flags another lacks.
 */
public final class BenchJvm {

    /**
     * sysmem-core and device-sim use restricted FFM methods. The forks run the shaded jar from the
     * class path, where those modules' names do not exist: the grant goes to the unnamed module.
     */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * Agrona 2.x calls {@code jdk.internal.misc.Unsafe}, which {@code java.base} does not export:
     * without this, its first access fails with {@link IllegalAccessError}.
     */
    public static final String EXPORTS = "--add-exports";

    /** The argument of {@link #EXPORTS}. */
    public static final String INTERNAL_MISC = "java.base/jdk.internal.misc=ALL-UNNAMED";

    /** A fixed heap, so heap resizing does not land inside a measurement. */
    public static final String HEAP_MIN = "-Xms512m";

    /** See {@link #HEAP_MIN}. */
    public static final String HEAP_MAX = "-Xmx512m";

    /** JMH 1.37 itself calls {@code sun.misc.Unsafe}; JDK 24+ would print a warning in every fork. */
    public static final String UNSAFE_QUIET = "--sun-misc-unsafe-memory-access=allow";

    private BenchJvm() {
    }
}
