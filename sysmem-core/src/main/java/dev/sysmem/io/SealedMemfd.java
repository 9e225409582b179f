package dev.sysmem.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux calls behind {@link SharedMemory#sealed}: {@code memfd_create}, {@code ftruncate},
 * {@code fcntl(F_ADD_SEALS / F_GET_SEALS)} and {@code close}, made through FFM downcalls (no JNI).
 *
 * <p><b>Why sealing.</b> A file mapped shared can be truncated by anyone who can open it, and an
 * access to a page past the new end raises SIGBUS; the JVM survives that only on some paths (see
 * {@link MemoryFault}). A memfd sealed with {@code F_SEAL_SHRINK} cannot shrink, by anyone: a
 * later {@code ftruncate} to a smaller size fails with {@code EPERM}, so no page of a mapping can
 * go away while it is mapped, and accesses need no guard. {@code F_SEAL_GROW} keeps the size
 * fixed, which the peers' layouts assume, and {@code F_SEAL_SEAL} stops anyone removing the
 * guarantee again. Files opened by path ({@code /dev/shm}, tmpfs, ...) cannot be sealed: the
 * kernel gives them {@code F_SEAL_SEAL} from the start.
 */
final class SealedMemfd {

    /** {@code <linux/memfd.h>}: the descriptor is closed across exec. */
    private static final int MFD_CLOEXEC = 0x1;
    /** {@code <linux/memfd.h>}: seals may be added. */
    private static final int MFD_ALLOW_SEALING = 0x2;
    /** {@code <linux/fcntl.h>}: {@code F_LINUX_SPECIFIC_BASE + 9} and {@code + 10}. */
    private static final int F_ADD_SEALS = 1033;
    private static final int F_GET_SEALS = 1034;
    static final int F_SEAL_SEAL = 0x1;
    static final int F_SEAL_SHRINK = 0x2;
    static final int F_SEAL_GROW = 0x4;
    /** The seals {@link #create} adds, and {@link #seals} must report before memory counts as sealed. */
    static final int SEALS = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle MEMFD_CREATE = downcall("memfd_create",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle FCNTL_INT = downcall("fcntl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL = downcall("fcntl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    /** {@code <fcntl.h>}, the same on every Linux architecture. */
    private static final int O_RDWR = 0x2;
    private static final int O_CLOEXEC = 0x80000;
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private SealedMemfd() {
    }

    private static MethodHandle downcall(String function, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = CAPTURE_ERRNO;
        MemorySegment symbol = LINKER.defaultLookup().find(function).orElseThrow(
                () -> new UnsupportedOperationException("the C library has no " + function + "; sealed memfds need Linux"));
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    /**
     * A new memfd named {@code name} of {@code size} zero bytes, sealed against shrinking, growing
     * and further sealing; returns its descriptor. Closed again if any step fails.
     *
     * @throws IOException naming the step, the name, the size and the errno
     */
    static int create(String name, long size) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC | MFD_ALLOW_SEALING);
            if (fd < 0) {
                throw failure("memfd_create", name, size, state);
            }
            try {
                if ((int) FTRUNCATE.invokeExact(state, fd, size) != 0) {
                    throw failure("ftruncate", name, size, state);
                }
                if ((int) FCNTL_INT.invokeExact(state, fd, F_ADD_SEALS, SEALS) != 0) {
                    throw failure("fcntl(F_ADD_SEALS)", name, size, state);
                }
                return fd;
            } catch (IOException | RuntimeException | Error e) {
                close(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("memfd '" + name + "': a downcall failed", e);
        }
    }

    /**
     * Opens {@code path} read-write, following links (a {@code /proc/PID/fd/N} path is one);
     * returns the descriptor.
     *
     * @throws IOException naming the path and the errno
     */
    static int open(java.nio.file.Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IOException("shared file " + path + ": open failed with errno " + errno + errnoName(errno));
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("open(" + path + ") failed", e);
        }
    }

    /** The seals on {@code fd} ({@code F_GET_SEALS}), or -1 if the call fails (the fd is not a memfd). */
    static int seals(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) FCNTL.invokeExact(arena.allocate(CALL_STATE), fd, F_GET_SEALS);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("fcntl(F_GET_SEALS) on fd " + fd + " failed", e);
        }
    }

    /** {@code ftruncate(fd, size)}: 0, or the errno it failed with. For tests showing the seal holds. */
    static int truncate(int fd, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) FTRUNCATE.invokeExact(state, fd, size) == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("ftruncate on fd " + fd + " failed", e);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int _ = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("close of fd " + fd + " failed", e);
        }
    }

    private static IOException failure(String call, String name, long size, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new IOException("sealed memfd '" + name + "' of " + size + " bytes: " + call + " failed with errno "
                + errno + errnoName(errno));
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> " (EPERM)";
            case 12 -> " (ENOMEM)";
            case 22 -> " (EINVAL)";
            case 24 -> " (EMFILE: too many open files)";
            case 27 -> " (EFBIG: larger than the system allows)";
            case 28 -> " (ENOSPC)";
            case 38 -> " (ENOSYS: the kernel has no memfd_create)";
            default -> "";
        };
    }
}
