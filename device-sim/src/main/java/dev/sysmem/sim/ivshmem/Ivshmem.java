package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * QEMU's inter-VM shared memory PCI device, as its specification ({@code docs/specs/ivshmem-spec.rst}
 * in QEMU) and QEMU 7.2's code define it: the identity and registers a guest driver uses, and the
 * QEMU options that give a guest a sysmem {@link SharedMemory} as its BAR2.
 *
 * <p><b>Guarantees.</b> The option builders check what QEMU would otherwise abort on or silently
 * get wrong, before QEMU is started: the memory must be file-backed (QEMU maps the file) and its
 * size a power of two (QEMU asserts it when it registers BAR2), and the mapping is always shared
 * ({@code share=on}; without it the guest would write to a private copy).
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.create(Path.of("/dev/shm/guest0"), 1 << 20)) {
 *     List<String> qemu = new ArrayList<>(List.of("qemu-system-x86_64", "-nographic", ...));
 *     qemu.addAll(Ivshmem.plainOptions(shm, "hostmem"));   // BAR2 of the guest is `shm`
 * }
 * }</pre>
 */
public final class Ivshmem {

    /** PCI vendor ID (Red Hat / Qumranet). */
    public static final int VENDOR_ID = 0x1af4;
    /** PCI device ID of ivshmem. */
    public static final int DEVICE_ID = 0x1110;

    /** BAR0 offset of IntrMask (32-bit, read-write). */
    public static final int INTR_MASK = 0;
    /** BAR0 offset of IntrStatus (32-bit; reading it clears it). */
    public static final int INTR_STATUS = 4;
    /** BAR0 offset of IVPosition (32-bit, read-only): this guest's peer ID, 0 without a server. */
    public static final int IV_POSITION = 8;
    /** BAR0 offset of Doorbell (32-bit, write-only): peer ID in bits 16..31, vector in the low bits. */
    public static final int DOORBELL = 12;

    /** The largest peer ID the protocol allows (IDs are 16 bits). */
    public static final int MAX_PEER_ID = 0xffff;
    /**
     * The largest vector number a doorbell write can name: QEMU 7.2 decodes only the low 8 bits of
     * the vector field, although the specification gives it 16.
     */
    public static final int MAX_DOORBELL_VECTOR = 0xff;

    private Ivshmem() {
    }

    /**
     * The Doorbell register value that rings {@code vector} of peer {@code peer}.
     *
     * @throws IllegalArgumentException if the peer is not 0..65535 or the vector not 0..255
     */
    public static int doorbell(int peer, int vector) {
        if (peer < 0 || peer > MAX_PEER_ID) {
            throw new IllegalArgumentException("peer ID " + peer + " is outside 0.." + MAX_PEER_ID);
        }
        if (vector < 0 || vector > MAX_DOORBELL_VECTOR) {
            throw new IllegalArgumentException("vector " + vector + " is outside 0.." + MAX_DOORBELL_VECTOR
                    + " (QEMU decodes only the low 8 bits of the Doorbell vector field)");
        }
        return peer << 16 | vector;
    }

    /**
     * Refuses a shared-memory size QEMU cannot use for BAR2.
     *
     * @throws IllegalArgumentException naming the size and the nearest usable ones
     */
    public static void requireUsableSize(long size, String what) {
        if (size <= 0 || Long.bitCount(size) != 1) {
            long below = size <= 0 ? 0 : Long.highestOneBit(size);
            throw new IllegalArgumentException(what + " is " + size + " bytes, but an ivshmem BAR2 must be a power of two "
                    + "in size (QEMU aborts with \"pci_register_bar: Assertion `is_power_of_2(size)' failed\")"
                    + (below > 0 ? "; use " + below + " or " + below * 2 + " bytes" : ""));
        }
    }

    /**
     * The QEMU options that attach {@code memory} to a guest as an {@code ivshmem-plain} device:
     * {@code -object memory-backend-file,id=ID,size=N,share=on,mem-path=FILE -device ivshmem-plain,memdev=ID}.
     *
     * @throws IllegalArgumentException if the memory is not file-backed, its size is not a power of
     *                                  two, or the file's path or {@code id} would break QEMU's
     *                                  comma-separated option syntax
     */
    public static List<String> plainOptions(SharedMemory memory, String id) {
        Objects.requireNonNull(memory, "memory");
        checkId(id);
        Path file = memory.path().orElseThrow(() -> new IllegalArgumentException(
                "ivshmem-plain needs file-backed shared memory (QEMU maps the file); " + memory + " is anonymous"));
        requireUsableSize(memory.size(), "shared memory " + file);
        String path = file.toAbsolutePath().toString();
        if (path.contains(",")) {
            throw new IllegalArgumentException("shared-memory path " + path + " contains a comma, which QEMU's option syntax cannot take");
        }
        return List.of(
                "-object", "memory-backend-file,id=" + id + ",size=" + memory.size() + ",share=on,mem-path=" + path,
                "-device", "ivshmem-plain,memdev=" + id);
    }

    /**
     * The QEMU options that connect a guest's {@code ivshmem-doorbell} device to the ivshmem server
     * listening on {@code socket}: {@code -chardev socket,path=SOCKET,id=ID -device
     * ivshmem-doorbell,chardev=ID,vectors=N}. {@code vectors} must equal the server's.
     */
    public static List<String> doorbellOptions(Path socket, int vectors, String id) {
        Objects.requireNonNull(socket, "socket");
        checkId(id);
        if (vectors < 1 || vectors > IvshmemServer.MAX_VECTORS) {
            throw new IllegalArgumentException("vectors must be 1.." + IvshmemServer.MAX_VECTORS + ", was " + vectors);
        }
        String path = socket.toAbsolutePath().toString();
        if (path.contains(",")) {
            throw new IllegalArgumentException("socket path " + path + " contains a comma, which QEMU's option syntax cannot take");
        }
        return List.of(
                "-chardev", "socket,path=" + path + ",id=" + id,
                "-device", "ivshmem-doorbell,chardev=" + id + ",vectors=" + vectors);
    }

    private static void checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("QEMU object id '" + id + "' must start with a letter and hold only letters, digits, '_', '.' and '-'");
        }
    }
}
