package dev.sysmem.sim.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT and SIGTERM into a stop request for a command running in the foreground, and lets
 * the command, not the signal, decide the exit code.
 *
 * <p>The JVM runs shutdown hooks on those signals and then exits with 128 + the signal number. The
 * hook installed here instead asks the command to stop ({@code onRequest}), waits up to
 * {@code patience} for it to {@link #finish} (stop its device, print its summary), and then halts
 * the JVM with the command's exit code; {@link Runtime#exit} cannot be used inside a hook, it would
 * wait for the hook itself. If the command does not finish in time the hook returns and the JVM
 * exits as it would have without it. When the command finishes on its own, {@link #finish}
 * removes the hook again.
 */
final class ShutdownSignal {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;
    private volatile int exitCode = 1;

    private ShutdownSignal(Duration patience, Runnable onRequest) {
        this.hook = Thread.ofPlatform().name("sysmem-sim-shutdown").unstarted(() -> {
            requested = true;
            onRequest.run();
            try {
                if (finished.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.flush();
                    System.err.flush();
                    Runtime.getRuntime().halt(exitCode);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Installs the hook: on SIGINT or SIGTERM, {@code onRequest} runs, then the hook waits for {@link #finish}. */
    static ShutdownSignal install(Duration patience, Runnable onRequest) {
        ShutdownSignal signal = new ShutdownSignal(patience, onRequest);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Whether a signal asked the command to stop. */
    boolean isRequested() {
        return requested;
    }

    /**
     * The command is done and exits with {@code code}: during a shutdown the hook halts with it;
     * otherwise the hook is removed. Call it last, once the output is written.
     */
    void finish(int code) {
        exitCode = code;
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running and halts with the code just recorded.
        }
    }
}
