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
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory shared with a device: anonymous memory for threads of this JVM, or a file mapped
 * read-write and shared, so that another process or a QEMU guest ({@code ivshmem-plain} with
 * {@code -object memory-backend-file,share=on,mem-path=FILE}) sees the same bytes. Memory sysmem
 * creates for sharing should be a {@link #sealed} memfd, which no peer can truncate; a file at a
 * path ({@link #create}, {@link #open}) is for when a path is required.
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
 *       {@link IllegalStateException} naming the region. A {@link #sealed} memfd cannot be
 *       truncated by anyone. If another process truncates a file opened or created by path,
 *       reads and writes of the lost pages throw {@link MemoryFault}, and work again once the
 *       file has its size back; an atomic caught by the truncation can still abort the JVM
 *       ({@link MemoryFault} lists the measured rates).</li>
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
    /** The sealed memfd's descriptor, owned by this object; -1 for other memory. */
    private final int memfd;
    /** Whether the memory cannot shrink under its mapping (a memfd whose seals were checked). */
    private final boolean sealed;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * The classes of the views {@link #io} hands out when the memory cannot shrink: one per mode,
     * defined on first use and shared by every view of this memory ({@link ConstantViews}).
     */
    private final ConstantViews views;

    private SharedMemory(Arena arena, MemorySegment segment, Path path, int memfd, boolean sealed) {
        this.arena = arena;
        this.segment = segment;
        this.path = path;
        this.memfd = memfd;
        this.sealed = sealed;
        this.views = new ConstantViews(segment);
    }

    /**
     * {@code size} bytes of zeroed, page-aligned memory that any thread of this JVM may access.
     *
     * @throws OutOfMemoryError naming the size if the memory cannot be had
     */
    public static SharedMemory anonymous(long size) {
        checkSize(size, "anonymous memory");
        Arena arena = Arena.ofShared();
        try {
            return new SharedMemory(arena, arena.allocate(size, PAGE_SIZE), null, -1, false);
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            arena.close();
            OutOfMemoryError named = new OutOfMemoryError("anonymous memory of " + size + " bytes (page-aligned) "
                    + "cannot be allocated: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            named.initCause(e);
            throw named;
        }
    }

    /**
     * {@code size} bytes of zeroed memory in a new sealed memfd named {@code name}, mapped
     * read-write and shared: the memory to create when another process, a remote device or a QEMU
     * guest must share it. Share it by descriptor ({@link #fileDescriptor()}, for example over the
     * ivshmem server's socket) or by {@link #path()}, a {@code /proc/PID/fd/N} path that a process
     * of the same user can open (QEMU:
     * {@code -object memory-backend-file,mem-path=PATH,size=SIZE,share=on}).
     *
     * <p><b>Why sealed.</b> A peer can truncate a shared file, and an access to a page past its new
     * end faults (SIGBUS); for files sysmem only {@linkplain #open opens}, a guarded access path
     * turns that into {@link MemoryFault} at a call's cost per access, and the JVM still cannot
     * recover from every such fault (see {@link MemoryFault}). This memfd is sealed with
     * {@code F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL} before anyone else can see it, so no one
     * can change its size: {@code ftruncate} fails with {@code EPERM}, pages never disappear
     * under a mapping, and {@link #io} views take the inlined access path of anonymous memory.
     * The seals are read back ({@code F_GET_SEALS}) before that path is chosen.
     *
     * @throws IOException naming the step that failed, the name, the size and the errno
     * @throws UnsupportedOperationException if the C library has no {@code memfd_create} (not Linux)
     */
    public static SharedMemory sealed(String name, long size) throws IOException {
        Objects.requireNonNull(name, "name");
        checkSize(size, "sealed memfd '" + name + "'");
        int fd = SealedMemfd.create(name, size);
        Path byDescriptor = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd", Integer.toString(fd));
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(byDescriptor, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            boolean sealed = (SealedMemfd.seals(fd) & SealedMemfd.SEALS) == SealedMemfd.SEALS;
            return new SharedMemory(arena, mapping, byDescriptor, fd, sealed);
        } catch (IOException e) {
            arena.close();
            SealedMemfd.close(fd);
            throw new IOException("sealed memfd '" + name + "' of " + size + " bytes: cannot map " + byDescriptor
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            SealedMemfd.close(fd);
            throw e;
        }
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
            try {
                channel.write(ByteBuffer.allocate(1), size - 1);
            } catch (IOException e) {
                throw new IOException("shared file " + path + ": cannot size it to " + size + " bytes: " + e.getMessage(), e);
            }
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
     * <p>A {@code /proc/PID/fd/N} path (how a {@link #sealed} memfd is shared by path) is the one
     * link followed: it names a descriptor, not a place in a file system another user could
     * swap. If the file it reaches carries the seals {@link #sealed} adds ({@code F_GET_SEALS}),
     * the memory is {@linkplain #isSealed sealed} and its views take the inlined access path.
     * Every other file may be truncated by a peer and keeps the guarded path.
     *
     * @throws IllegalArgumentException if the file's size is not {@code expectedSize}; the message
     *                                  names both sizes
     * @throws java.nio.file.FileSystemException if {@code path} is a symbolic link or not a regular file
     * @throws IOException if it cannot be opened or mapped
     */
    public static SharedMemory open(Path path, long expectedSize) throws IOException {
        Objects.requireNonNull(path, "path");
        checkSize(expectedSize, path.toString());
        if (isDescriptorPath(path)) {
            return openDescriptor(path, expectedSize);
        }
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
            checkFileSize(channel, path, expectedSize);
            return map(channel, path, expectedSize);
        }
    }

    /** Whether {@code path} names another process's (or this one's) descriptor: {@code /proc/PID/fd/N}. */
    private static boolean isDescriptorPath(Path path) {
        return path.normalize().toString().matches("/proc/(self|[0-9]+)/fd/[0-9]+");
    }

    /**
     * Opens a descriptor path such as a {@link #sealed} memfd's: through our own descriptor, so that
     * the seals read and the file mapped are the same file, whatever the other process does with
     * its descriptor meanwhile. Mapped sealed (inlined access path) only if the seals are there.
     */
    private static SharedMemory openDescriptor(Path path, long expectedSize) throws IOException {
        int fd = SealedMemfd.open(path);
        try (FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            checkFileSize(channel, path, expectedSize);
            boolean sealed = (SealedMemfd.seals(fd) & SealedMemfd.SEALS) == SealedMemfd.SEALS;
            Arena arena = Arena.ofShared();
            try {
                return new SharedMemory(arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, expectedSize, arena),
                        path, -1, sealed);
            } catch (IOException e) {
                arena.close();
                throw new IOException("shared file " + path + ": cannot map " + expectedSize + " bytes: " + e.getMessage(), e);
            }
        } finally {
            // The mapping keeps the file; the descriptor was only needed to read its seals.
            SealedMemfd.close(fd);
        }
    }

    private static void checkFileSize(FileChannel channel, Path path, long expectedSize) throws IOException {
        long actual = channel.size();
        if (actual != expectedSize) {
            throw new IllegalArgumentException("shared file " + path + " is " + actual + " bytes, but "
                    + expectedSize + " bytes were expected; is another device using it?");
        }
    }

    private static SharedMemory map(FileChannel channel, Path path, long size) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            // The mapping outlives the channel: the arena, not the file descriptor, owns it.
            return new SharedMemory(arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena), path, -1, false);
        } catch (IOException e) {
            arena.close();
            throw new IOException("shared file " + path + ": cannot map " + size + " bytes: " + e.getMessage(), e);
        } catch (RuntimeException e) {
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

    /**
     * The file behind the memory, if it is file-backed: the path given to {@link #create} or
     * {@link #open}, or for a {@link #sealed} memfd the {@code /proc/PID/fd/N} path by which
     * another process of the same user opens it while this object is open.
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** The descriptor of a {@link #sealed} memfd, to pass to a peer (SCM_RIGHTS); empty for other memory. */
    public OptionalInt fileDescriptor() {
        return memfd < 0 ? OptionalInt.empty() : OptionalInt.of(memfd);
    }

    /**
     * Whether no one can shrink the memory under its mapping: anonymous memory, or a
     * {@link #sealed} memfd whose seals were read back. Views of such memory take the inlined
     * access path; views of files that are only opened take the guarded one (see {@link SysMem}).
     */
    public boolean isSealed() {
        return sealed || !segment.isMapped();
    }

    /** An {@link AccessMode#OPAQUE}, little-endian {@link SysMem} over all of the memory. */
    public SysMem io(String name) {
        Objects.requireNonNull(name, "name");
        if (isSealed()) {
            return views.view(name, AccessMode.OPAQUE);
        }
        return SysMem.over(name, segment, true, AccessMode.OPAQUE, false, SysMem.ALL_WIDTHS, false);
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
            if (memfd >= 0) {
                SealedMemfd.close(memfd);
            }
        }
    }

    @Override
    public String toString() {
        return "SharedMemory[" + (path == null ? "anonymous" : path) + ", " + size() + " bytes" + (memfd >= 0 ? ", sealed memfd" : "")
                + (isOpen() ? "" : ", closed") + "]";
    }
}
