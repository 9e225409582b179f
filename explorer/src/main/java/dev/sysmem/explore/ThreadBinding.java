package dev.sysmem.explore;

/** Which schedule and managed thread the current platform thread belongs to, if any. */
final class ThreadBinding {

    private record Binding(ScheduledRun run, ManagedThread thread) {
    }

    private static final ThreadLocal<Binding> CURRENT = new ThreadLocal<>();

    private ThreadBinding() {
    }

    static void bind(ScheduledRun run, ManagedThread thread) {
        CURRENT.set(new Binding(run, thread));
    }

    static void unbind() {
        CURRENT.remove();
    }

    static ManagedThread current() {
        Binding b = CURRENT.get();
        return b == null ? null : b.thread;
    }

    static ScheduledRun run() {
        Binding b = CURRENT.get();
        return b == null ? null : b.run;
    }
}
