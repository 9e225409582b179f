package dev.sysmem.stress;

import dev.sysmem.io.SharedMemory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kinds of memory the stress suites race on: the kinds of {@link SharedMemory} a device
 * shares with its driver.
 *
 * <p><b>Guarantees.</b> {@link #open} returns fresh, zeroed, page-aligned memory of the size asked
 * for. A {@link #FILE_BACKED} mapping's file is deleted as soon as it is mapped, so a fork that
 * dies (jcstress ends a stale termination test by halting its JVM) leaves nothing behind in
 * {@code /dev/shm}; the mapping stays valid until the JVM exits. A {@link #SEALED_MEMFD} has no
 * name in any file system at all: its descriptor closes with the JVM.
 */
public enum SegmentKind {

    /** {@link SharedMemory#anonymous}: memory of a shared arena, for threads of one JVM. */
    ANONYMOUS("anonymous shared-arena memory") {
        @Override
        public SharedMemory open(long size, String label) {
            return SharedMemory.anonymous(size);
        }
    },

    /**
     * {@link SharedMemory#create} on a new file under {@code /dev/shm} (the temporary directory
     * where there is none): the same pages another process or a QEMU guest would map.
     */
    FILE_BACKED("a file-backed /dev/shm mapping") {
        @Override
        public SharedMemory open(long size, String label) {
            Path file = SHM_DIR.resolve("sysmem-stress-" + ProcessHandle.current().pid() + "-"
                    + FILE_COUNTER.incrementAndGet() + "-" + label);
            try {
                SharedMemory memory = SharedMemory.create(file, size);
                Files.delete(file);
                return memory;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the shared file " + file + " for " + label, e);
            }
        }
    },

    /**
     * {@link SharedMemory#sealed}: a memfd sealed against shrinking and growing, the memory sysmem
     * creates whenever another process or a QEMU guest must share it. Its views take the inlined
     * access path of anonymous memory, reached through a different mapping.
     */
    SEALED_MEMFD("a sealed memfd (shared by descriptor)") {
        @Override
        public SharedMemory open(long size, String label) {
            try {
                return SharedMemory.sealed("sysmem-stress-" + label, size);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the sealed memfd for " + label + " (" + size + " bytes)", e);
            }
        }
    };

    private static final Path SHM_DIR = Files.isDirectory(Path.of("/dev/shm"))
            ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
    private static final AtomicInteger FILE_COUNTER = new AtomicInteger();

    private final String description;

    SegmentKind(String description) {
        this.description = description;
    }

    /** What this memory is, as the reports print it. */
    public String description() {
        return description;
    }

    /** Fresh zeroed memory of {@code size} bytes; {@code label} names it in file names and errors. */
    public abstract SharedMemory open(long size, String label);
}
