package dev.sysmem.sim.ivshmem;

/**
 * The check that this is Linux, kept apart from {@link Libc} so that it runs before any downcall
 * is linked: callers on another system get a clear {@link UnsupportedOperationException}, not a
 * failed class initialisation.
 */
public final class Platform {

    private Platform() {
    }

    public static void requireLinux(String what) {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            throw new UnsupportedOperationException(what + " needs Linux (eventfd, SCM_RIGHTS descriptor passing); this is " + os);
        }
    }
}
