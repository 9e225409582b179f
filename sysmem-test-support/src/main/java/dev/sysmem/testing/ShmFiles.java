package dev.sysmem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique file names under {@code /dev/shm}, all removed by {@link #deleteAll()}: tests running at
 * the same time in other JVMs (other builds on this machine) never share a name.
 */
public final class ShmFiles {

    private static final AtomicLong COUNTER = new AtomicLong();

    private final List<Path> handedOut = new ArrayList<>();

    /** A fresh set of names, none handed out yet. */
    public ShmFiles() {
    }

    /** A path nothing exists at yet: {@code /dev/shm/sysmem-test-PID-N-label}. */
    public synchronized Path next(String label) {
        Path path = Path.of("/dev/shm", "sysmem-test-" + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet() + "-" + label);
        handedOut.add(path);
        return path;
    }

    /** Removes every path handed out, links included (never their targets). */
    public synchronized void deleteAll() {
        try {
            for (Path path : handedOut) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            handedOut.clear();
        }
    }
}
