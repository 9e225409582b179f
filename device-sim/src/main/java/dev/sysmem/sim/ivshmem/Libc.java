package dev.sysmem.sim.ivshmem;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The few Linux libc calls the ivshmem server needs, as {@code java.lang.foreign} downcalls: no JNI
 * and nothing to compile. {@code java.nio}'s UNIX-domain channels cannot pass file descriptors, and
 * the JDK has no eventfd, so these are called directly.
 *
 * <p><b>Guarantees.</b> Every call that fails comes back as an {@link IOException} naming the call,
 * the errno and its text (for example {@code "bind(/tmp/x.sock): errno 98 (Address already in
 * use)"}); errno is captured by the linker right after the call, so nothing the JVM does in between
 * can overwrite it. {@code EINTR} is retried where the call may be restarted. The constants and
 * structure layouts are those of Linux on x86-64 and aarch64 (LP64); other systems are refused when
 * this class is first used.
 */
final class Libc {

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int SO_PEERCRED = 17;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int MSG_CTRUNC = 0x8;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int SEEK_END = 2;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    /** {@code sizeof(sun_path)}: a socket path (with its terminating NUL) must fit. */
    static final int SUN_PATH_SIZE = 108;

    private static final AddressLayout POINTER = ValueLayout.ADDRESS;
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(SUN_PATH_SIZE, ValueLayout.JAVA_BYTE).withName("sun_path"));

    static final StructLayout IOVEC = MemoryLayout.structLayout(
            POINTER.withName("iov_base"),
            SIZE_T.withName("iov_len"));

    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            POINTER.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            POINTER.withName("msg_iov"),
            SIZE_T.withName("msg_iovlen"),
            POINTER.withName("msg_control"),
            SIZE_T.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));

    /** {@code struct cmsghdr} followed by one {@code int}, padded as {@code CMSG_SPACE(sizeof(int))}. */
    static final StructLayout CMSG_ONE_FD = MemoryLayout.structLayout(
            SIZE_T.withName("cmsg_len"),
            ValueLayout.JAVA_INT.withName("cmsg_level"),
            ValueLayout.JAVA_INT.withName("cmsg_type"),
            ValueLayout.JAVA_INT.withName("fd"),
            MemoryLayout.paddingLayout(4));

    /** {@code CMSG_LEN(sizeof(int))}: header plus the descriptor, without the trailing padding. */
    static final long CMSG_LEN_ONE_FD = CMSG_ONE_FD.byteOffset(MemoryLayout.PathElement.groupElement("fd")) + 4;

    static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));

    /** {@code struct ucred}: what SO_PEERCRED reports about the process at the other end. */
    static final StructLayout UCRED = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("pid"), ValueLayout.JAVA_INT.withName("uid"), ValueLayout.JAVA_INT.withName("gid"));
    static final VarHandle UCRED_PID = UCRED.varHandle(MemoryLayout.PathElement.groupElement("pid"));
    static final VarHandle UCRED_UID = UCRED.varHandle(MemoryLayout.PathElement.groupElement("uid"));
    static final VarHandle UCRED_GID = UCRED.varHandle(MemoryLayout.PathElement.groupElement("gid"));
    static final VarHandle SUN_FAMILY = SOCKADDR_UN.varHandle(MemoryLayout.PathElement.groupElement("sun_family"));
    static final VarHandle IOV_BASE = IOVEC.varHandle(MemoryLayout.PathElement.groupElement("iov_base"));
    static final VarHandle IOV_LEN = IOVEC.varHandle(MemoryLayout.PathElement.groupElement("iov_len"));
    static final VarHandle MSG_IOV = MSGHDR.varHandle(MemoryLayout.PathElement.groupElement("msg_iov"));
    static final VarHandle MSG_IOVLEN = MSGHDR.varHandle(MemoryLayout.PathElement.groupElement("msg_iovlen"));
    static final VarHandle MSG_CONTROL = MSGHDR.varHandle(MemoryLayout.PathElement.groupElement("msg_control"));
    static final VarHandle MSG_CONTROLLEN = MSGHDR.varHandle(MemoryLayout.PathElement.groupElement("msg_controllen"));
    static final VarHandle MSG_FLAGS = MSGHDR.varHandle(MemoryLayout.PathElement.groupElement("msg_flags"));
    static final VarHandle CMSG_LEN = CMSG_ONE_FD.varHandle(MemoryLayout.PathElement.groupElement("cmsg_len"));
    static final VarHandle CMSG_LEVEL = CMSG_ONE_FD.varHandle(MemoryLayout.PathElement.groupElement("cmsg_level"));
    static final VarHandle CMSG_TYPE = CMSG_ONE_FD.varHandle(MemoryLayout.PathElement.groupElement("cmsg_type"));
    static final VarHandle CMSG_FD = CMSG_ONE_FD.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    static final VarHandle POLL_FD = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    static final VarHandle POLL_EVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("events"));
    static final VarHandle POLL_REVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = errnoCall("socket", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle BIND = errnoCall("bind", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, POINTER, ValueLayout.JAVA_INT);
    private static final MethodHandle CONNECT = errnoCall("connect", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, POINTER, ValueLayout.JAVA_INT);
    private static final MethodHandle LISTEN = errnoCall("listen", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle ACCEPT4 = errnoCall("accept4", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, POINTER, POINTER, ValueLayout.JAVA_INT);
    private static final MethodHandle GETSOCKOPT = errnoCall("getsockopt", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, POINTER, POINTER);
    private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle UMASK = downcall("umask",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDMSG = errnoCall("sendmsg", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, POINTER, ValueLayout.JAVA_INT);
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, POINTER, ValueLayout.JAVA_INT);
    private static final MethodHandle EVENTFD = errnoCall("eventfd", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle READ = errnoCall("read", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, POINTER, SIZE_T);
    private static final MethodHandle WRITE = errnoCall("write", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, POINTER, SIZE_T);
    private static final MethodHandle MMAP = errnoCall("mmap", POINTER,
            POINTER, SIZE_T, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, POINTER, SIZE_T));
    private static final MethodHandle LSEEK = errnoCall("lseek", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static final MethodHandle CLOSE = errnoCall("close", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle POLL = errnoCall("poll", ValueLayout.JAVA_INT,
            POINTER, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    // open(2) is variadic; with no mode argument the call passes only the fixed part.
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, POINTER, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(POINTER.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)),
                    ValueLayout.JAVA_INT));

    private Libc() {
    }

    private static MethodHandle errnoCall(String name, ValueLayout result, MemoryLayout... arguments) {
        return downcall(name, FunctionDescriptor.of(result, arguments), Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no symbol '" + name + "'"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** The text of {@code errno}, as {@code strerror(3)} gives it. */
    static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "unknown error" : text.getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "errno text unavailable";
        }
    }

    /** An exception naming the failed call, what it was called on, and errno. */
    static IOException failure(String call, int errno) {
        return new NativeCallException(call, errno);
    }

    /** A libc call that failed: {@link #errno()} is the value it left. */
    static final class NativeCallException extends IOException {
        private final int errno;

        NativeCallException(String call, int errno) {
            super(call + ": errno " + errno + " (" + describe(errno) + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall failed unexpectedly", t);
    }

    static int socket(int domain, int type, int protocol) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                throw failure("socket(AF_UNIX, SOCK_STREAM)", errno(state));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The credentials of the process at the other end of a connected UNIX socket, as the kernel recorded them at connect. */
    record PeerCredentials(int pid, int uid, int gid) {
    }

    static PeerCredentials peerCredentials(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment credentials = arena.allocate(UCRED);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, (int) UCRED.byteSize());
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) GETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_PEERCRED, credentials, length) != 0) {
                throw failure("getsockopt(SO_PEERCRED)", errno(state));
            }
            return new PeerCredentials((int) UCRED_PID.get(credentials, 0L), (int) UCRED_UID.get(credentials, 0L),
                    (int) UCRED_GID.get(credentials, 0L));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** This process's effective user id. */
    static int effectiveUid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Sets the process's file mode creation mask and returns the old one (umask(2) cannot fail). */
    static int umask(int mask) {
        try {
            return (int) UMASK.invokeExact(mask);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Refuses a path that does not fit {@code sun_path} with its terminating NUL. */
    static byte[] checkSocketPath(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("socket path " + path + " is " + bytes.length
                    + " bytes; a UNIX socket path must be shorter than " + SUN_PATH_SIZE + " bytes");
        }
        return bytes;
    }

    /** A {@code sockaddr_un} for {@code path}, refusing paths that do not fit {@code sun_path}. */
    static MemorySegment socketAddress(Arena arena, Path path) {
        byte[] bytes = checkSocketPath(path);
        MemorySegment address = arena.allocate(SOCKADDR_UN);
        SUN_FAMILY.set(address, 0L, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 2, bytes.length);
        return address;
    }

    static void bind(int fd, Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = socketAddress(arena, path);
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) BIND.invokeExact(state, fd, address, (int) SOCKADDR_UN.byteSize()) != 0) {
                throw failure("bind(" + path + ")", errno(state));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void connect(int fd, Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = socketAddress(arena, path);
            MemorySegment state = arena.allocate(CALL_STATE);
            while ((int) CONNECT.invokeExact(state, fd, address, (int) SOCKADDR_UN.byteSize()) != 0) {
                if (errno(state) != EINTR) {
                    throw failure("connect(" + path + ")", errno(state));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void listen(int fd, int backlog) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) LISTEN.invokeExact(state, fd, backlog) != 0) {
                throw failure("listen", errno(state));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Accepts one connection as a close-on-exec descriptor; -1 if none is pending (EAGAIN). */
    static int accept(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int client = (int) ACCEPT4.invokeExact(state, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (client >= 0) {
                    return client;
                }
                int errno = errno(state);
                if (errno == EAGAIN) {
                    return -1;
                }
                if (errno != EINTR) {
                    throw failure("accept4", errno);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Sends one ivshmem message: {@code value} as 8 little-endian bytes, with {@code passedFd} as
     * SCM_RIGHTS ancillary data unless it is negative. Never blocks and never raises SIGPIPE: a peer
     * that does not read its messages, or is gone, makes this throw.
     */
    static void sendMessage(int fd, long value, int passedFd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(ValueLayout.JAVA_LONG_UNALIGNED);
            payload.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, value);
            MemorySegment iov = arena.allocate(IOVEC);
            IOV_BASE.set(iov, 0L, payload);
            IOV_LEN.set(iov, 0L, 8L);
            MemorySegment header = arena.allocate(MSGHDR);
            MSG_IOV.set(header, 0L, iov);
            MSG_IOVLEN.set(header, 0L, 1L);
            if (passedFd >= 0) {
                MemorySegment control = arena.allocate(CMSG_ONE_FD);
                CMSG_LEN.set(control, 0L, CMSG_LEN_ONE_FD);
                CMSG_LEVEL.set(control, 0L, SOL_SOCKET);
                CMSG_TYPE.set(control, 0L, SCM_RIGHTS);
                CMSG_FD.set(control, 0L, passedFd);
                MSG_CONTROL.set(header, 0L, control);
                MSG_CONTROLLEN.set(header, 0L, CMSG_ONE_FD.byteSize());
            }
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                long sent = (long) SENDMSG.invokeExact(state, fd, header, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (sent == 8) {
                    return;
                }
                if (sent >= 0) {
                    throw new IOException("sendmsg sent " + sent + " of 8 bytes of ivshmem message " + value);
                }
                if (errno(state) != EINTR) {
                    throw failure("sendmsg(ivshmem message " + value + ")", errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** One received message: its value, and the descriptor that came with it or -1. */
    record Message(long value, int fd) {
    }

    /**
     * Receives one ivshmem message. Returns {@code null} at end of stream (the peer closed before a
     * new message began).
     *
     * @throws IOException if the stream ends inside a message or the call fails
     */
    static Message receiveMessage(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(8, 8);
            MemorySegment iov = arena.allocate(IOVEC);
            MemorySegment control = arena.allocate(CMSG_ONE_FD);
            MemorySegment header = arena.allocate(MSGHDR);
            MemorySegment state = arena.allocate(CALL_STATE);
            long received = 0;
            int passedFd = -1;
            while (received < 8) {
                IOV_BASE.set(iov, 0L, payload.asSlice(received));
                IOV_LEN.set(iov, 0L, 8 - received);
                header.fill((byte) 0);
                MSG_IOV.set(header, 0L, iov);
                MSG_IOVLEN.set(header, 0L, 1L);
                control.fill((byte) 0);
                MSG_CONTROL.set(header, 0L, control);
                MSG_CONTROLLEN.set(header, 0L, CMSG_ONE_FD.byteSize());
                long n = (long) RECVMSG.invokeExact(state, fd, header, MSG_CMSG_CLOEXEC);
                if (n < 0) {
                    if (errno(state) == EINTR) {
                        continue;
                    }
                    closeQuietly(passedFd);
                    throw failure("recvmsg", errno(state));
                }
                if (n == 0) {
                    closeQuietly(passedFd);
                    if (received == 0) {
                        return null;
                    }
                    throw new IOException("the stream ended after " + received + " of 8 bytes of an ivshmem message");
                }
                if ((long) CMSG_LEN.get(control, 0L) == CMSG_LEN_ONE_FD
                        && (int) CMSG_LEVEL.get(control, 0L) == SOL_SOCKET
                        && (int) CMSG_TYPE.get(control, 0L) == SCM_RIGHTS) {
                    if (passedFd >= 0) {
                        int second = (int) CMSG_FD.get(control, 0L);
                        closeQuietly(passedFd);
                        closeQuietly(second);
                        throw new IOException("two file descriptors arrived with one ivshmem message");
                    }
                    passedFd = (int) CMSG_FD.get(control, 0L);
                }
                if (((int) MSG_FLAGS.get(header, 0L) & MSG_CTRUNC) != 0) {
                    closeQuietly(passedFd);
                    throw new IOException("ancillary data was truncated: more than one file descriptor was sent");
                }
                received += n;
            }
            return new Message(payload.get(ValueLayout.JAVA_LONG.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0), passedFd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int eventfd() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) EVENTFD.invokeExact(state, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (fd < 0) {
                throw failure("eventfd", errno(state));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Adds {@code count} to an eventfd's counter. */
    static void writeCounter(int fd, long count) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            value.set(ValueLayout.JAVA_LONG, 0, count);
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                long n = (long) WRITE.invokeExact(state, fd, value, 8L);
                if (n == 8) {
                    return;
                }
                if (n >= 0) {
                    throw new IOException("write(eventfd " + fd + ") wrote " + n + " of 8 bytes");
                }
                if (errno(state) != EINTR) {
                    throw failure("write(eventfd " + fd + ")", errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Reads and resets an eventfd's counter; 0 if it was zero (EAGAIN on a non-blocking eventfd). */
    static long readCounter(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, value, 8L);
                if (n == 8) {
                    return value.get(ValueLayout.JAVA_LONG, 0);
                }
                if (n >= 0) {
                    throw new IOException("read(eventfd " + fd + ") read " + n + " of 8 bytes");
                }
                int errno = errno(state);
                if (errno == EAGAIN) {
                    return 0;
                }
                if (errno != EINTR) {
                    throw failure("read(eventfd " + fd + ")", errno);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Maps {@code size} bytes of the file behind {@code fd} read-write and shared, as QEMU maps the
     * descriptor an ivshmem server passes. The mapping lives until {@code arena} closes.
     */
    static MemorySegment mapShared(int fd, long size, Arena arena) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (address.address() == -1L) {
                throw failure("mmap(fd " + fd + ", " + size + " bytes, MAP_SHARED)", errno(state));
            }
            return address.reinterpret(size, arena, mapped -> {
                try {
                    int ignored = (int) MUNMAP.invokeExact(mapped, size);
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            });
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The size of the file behind {@code fd} ({@code lseek(fd, 0, SEEK_END)}). */
    static long fileSize(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long size = (long) LSEEK.invokeExact(state, fd, 0L, SEEK_END);
            if (size < 0) {
                throw failure("lseek(fd " + fd + ", 0, SEEK_END)", errno(state));
            }
            return size;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int open(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path.toString(), StandardCharsets.UTF_8);
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int fd = (int) OPEN.invokeExact(state, name, O_RDWR | O_CLOEXEC);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(state) != EINTR) {
                    throw failure("open(" + path + ", O_RDWR)", errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Waits until one of {@code fds} is ready for reading, has hung up or failed, or
     * {@code timeoutMillis} pass. Returns each descriptor's {@code revents} (0 when not ready).
     * An interrupted wait returns all zeros, as a timeout does; callers loop with their deadline.
     */
    static short[] poll(int[] fds, int timeoutMillis) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocate(POLLFD, fds.length);
            for (int i = 0; i < fds.length; i++) {
                MemorySegment entry = table.asSlice(i * POLLFD.byteSize(), POLLFD);
                POLL_FD.set(entry, 0L, fds[i]);
                POLL_EVENTS.set(entry, 0L, POLLIN);
            }
            MemorySegment state = arena.allocate(CALL_STATE);
            int ready = (int) POLL.invokeExact(state, table, (long) fds.length, timeoutMillis);
            short[] revents = new short[fds.length];
            if (ready < 0) {
                if (errno(state) == EINTR) {
                    return revents;
                }
                throw failure("poll(" + fds.length + " descriptors)", errno(state));
            }
            for (int i = 0; i < fds.length && ready > 0; i++) {
                revents[i] = (short) POLL_REVENTS.get(table.asSlice(i * POLLFD.byteSize(), POLLFD), 0L);
            }
            return revents;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void close(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            // Linux releases the descriptor even when close reports EINTR, so it is never retried.
            if ((int) CLOSE.invokeExact(state, fd) != 0 && errno(state) != EINTR) {
                throw failure("close(" + fd + ")", errno(state));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Closes {@code fd} if it is a descriptor, ignoring failure: for clean-up paths only. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                close(fd);
            } catch (IOException ignored) {
                // Nothing useful can be done about a failed close on a clean-up path.
            }
        }
    }
}
