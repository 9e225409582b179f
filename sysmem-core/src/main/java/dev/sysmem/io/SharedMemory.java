package dev.sysmem.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory shared with a device: anonymous memory for threads of this JVM, or a file mapped
 * read-write and shared, so that another process or a QEMU guest ({@code ivshmem-plain} with
 * {@code -object memory-backend-file,share=on,mem-path=FILE}) sees the same bytes.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>The memory starts page-aligned (4096), so every offset aligned to a width is aligned in
 *       absolute terms too; anonymous memory and newly created files start zeroed.</li>
 *   <li>{@link #create} is exclusive and owner-only: it makes a new file with mode 0600 and fails
 *       with {@link java.nio.file.FileAlreadyExistsException} if anything exists at the path,
 *       including a symbolic link (it never follows one).</li>
 *   <li>{@link #open} refuses a symbolic link and a file whose size is not the size the caller
 *       expects, naming both sizes.</li>
 *   <li>The memory is usable from any thread. {@link #close} unmaps it (or frees it); it is
 *       idempotent, and every access through a view made before then throws
 *       {@link IllegalStateException} naming the region. If another process truncates the file,
 *       accesses to the lost pages throw {@link MemoryFault}, and work again once the file has its
 *       size back; the JVM does not crash (see {@link MemoryFault} for the JDK's one narrow
 *       window).</li>
 *   <li>Sizes and offsets are {@code long}: no 2 GiB limit.</li>
 * </ul>
 *
 * <pre>{@code
 * // This process creates the file; the device (another JVM, or QEMU) opens the same path.
 * try (SharedMemory shm = SharedMemory.create(Path.of("/dev/shm/mydev"), 1 << 20)) {
 *     SysMem mem = shm.io("mydev");
 *     mem.write32(0x0, 0xcafe);
 * }
 * // elsewhere:
 * try (SharedMemory shm = SharedMemory.open(Path.of("/dev/shm/mydev"), 1 << 20)) { ... }
 * }</pre>
 */
public final class SharedMemory implements AutoCloseable {

    /** Alignment of anonymous memory: a page, as a device BAR or a mapped file is. */
    public static final long PAGE_SIZE = 4096;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Arena arena;
    private final MemorySegment segment;
    private final Path path;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SharedMemory(Arena arena, MemorySegment segment, Path path) {
        this.arena = arena;
        this.segment = segment;
        this.path = path;
    }

    /** {@code size} bytes of zeroed, page-aligned memory that any thread of this JVM may access. */
    public static SharedMemory anonymous(long size) {
        checkSize(size, "anonymous memory");
        Arena arena = Arena.ofShared();
        return new SharedMemory(arena, arena.allocate(size, PAGE_SIZE), null);
    }

    /**
     * Creates a new file of {@code size} zero bytes at {@code path}, owner-only (0600), and maps it
     * read-write and shared.
     *
     * @throws java.nio.file.FileAlreadyExistsException if anything, a link included, exists at {@code path}
     * @throws IOException if the file cannot be created, sized or mapped (it is removed again then)
     */
    public static SharedMemory create(Path path, long size) throws IOException {
        Objects.requireNonNull(path, "path");
        checkSize(size, path.toString());
        FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try (channel) {
            // The umask cannot widen 0600, but set it again in case the file system ignored the attribute.
            Files.setPosixFilePermissions(path, OWNER_ONLY);
            channel.write(ByteBuffer.allocate(1), size - 1);
            return map(channel, path, size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Maps the existing file at {@code path} read-write and shared, after checking that it is a
     * regular file (not a link) of exactly {@code expectedSize} bytes.
     *
     * @throws IllegalArgumentException if the file's size is not {@code expectedSize}; the message
     *                                  names both sizes
     * @throws java.nio.file.FileSystemException if {@code path} is a symbolic link or not a regular file
     * @throws IOException if it cannot be opened or mapped
     */
    public static SharedMemory open(Path path, long expectedSize) throws IOException {
        Objects.requireNonNull(path, "path");
        checkSize(expectedSize, path.toString());
        // For a clear message; NOFOLLOW_LINKS below still refuses a link swapped in after this look.
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new FileSystemException(path.toString(), null, "is a symbolic link; shared memory is never opened through one");
        }
        if (!attributes.isRegularFile()) {
            throw new FileSystemException(path.toString(), null, "is not a regular file");
        }
        try (FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS))) {
            long actual = channel.size();
            if (actual != expectedSize) {
                throw new IllegalArgumentException("shared file " + path + " is " + actual + " bytes, but "
                        + expectedSize + " bytes were expected; is another device using it?");
            }
            return map(channel, path, expectedSize);
        }
    }

    private static SharedMemory map(FileChannel channel, Path path, long size) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            // The mapping outlives the channel: the arena, not the file descriptor, owns it.
            return new SharedMemory(arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena), path);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void checkSize(long size, String what) {
        if (size <= 0) {
            throw new IllegalArgumentException(what + ": size must be positive, was " + size);
        }
    }

    /** The whole memory as a segment. */
    public MemorySegment segment() {
        return segment;
    }

    /** Size in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** The file behind the memory, if it is file-backed. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** An {@link AccessMode#OPAQUE}, little-endian {@link SysMem} over all of the memory. */
    public SysMem io(String name) {
        return SysMem.of(name, segment);
    }

    /** {@link #io(String)} named after the file, or {@code "anonymous"}. */
    public SysMem io() {
        return io(path == null ? "anonymous" : path.toString());
    }

    /** Whether {@link #close} has not been called. */
    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Unmaps or frees the memory; idempotent. Accesses in flight on other threads complete or fail
     * with {@link IllegalStateException}; none touches freed memory. The file, if any, is kept.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SharedMemory[" + (path == null ? "anonymous" : path) + ", " + size() + " bytes" + (isOpen() ? "" : ", closed") + "]";
    }
}
