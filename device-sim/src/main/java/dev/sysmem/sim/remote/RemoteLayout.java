package dev.sysmem.sim.remote;

import dev.sysmem.io.Register;
import dev.sysmem.io.Width;

import java.util.List;

/**
 * The header at the start of a shared file that holds a device run by another process: how a
 * driver finds the device, checks that it is the device it expects, waits for it to be ready and
 * notices that it died. The device's own region (the mailbox register block and its buffers, for
 * example) follows the header.
 *
 * <h2>Layout, version {@value #LAYOUT_VERSION_VALUE}</h2>
 * All words are little-endian and naturally aligned; every word is written by the device's host
 * process only, and the driver only reads the header.
 * <table>
 *   <caption>Remote device header</caption>
 *   <tr><th>offset</th><th>width</th><th>name</th><th>meaning</th></tr>
 *   <tr><td>0x000</td><td>64</td><td>MAGIC</td><td>{@value #MAGIC_VALUE_HEX}, the bytes {@code "SYSMEMDV"}; written last
 *       when a host starts, with a release store, so a reader that sees it sees every other word</td></tr>
 *   <tr><td>0x008</td><td>32</td><td>LAYOUT_VERSION</td><td>{@value #LAYOUT_VERSION_VALUE}</td></tr>
 *   <tr><td>0x00c</td><td>32</td><td>STATE</td><td>1 starting, 2 ready, 3 stopped, 4 failed, 5 removed ({@link RemoteState}); release stores</td></tr>
 *   <tr><td>0x010</td><td>64</td><td>HEARTBEAT</td><td>incremented by the host every HEARTBEAT_PERIOD while it runs; release stores</td></tr>
 *   <tr><td>0x018</td><td>64</td><td>HEARTBEAT_PERIOD</td><td>nanoseconds between two heartbeats</td></tr>
 *   <tr><td>0x020</td><td>64</td><td>PID</td><td>the host process's id, 0 if it does not say</td></tr>
 *   <tr><td>0x028</td><td>64</td><td>PROCESS_START</td><td>when the host process started, milliseconds since the epoch,
 *       0 if unknown; tells a reused pid from the host</td></tr>
 *   <tr><td>0x030</td><td>64</td><td>REGION_OFFSET</td><td>where the device's region starts: {@value #HEADER_SIZE_HEX}</td></tr>
 *   <tr><td>0x038</td><td>64</td><td>REGION_SIZE</td><td>the region's size in bytes</td></tr>
 *   <tr><td>0x040</td><td>32 bytes</td><td>KIND</td><td>the device kind, ASCII ({@code [a-z0-9-]}, 1 to 32 characters), padded with NUL bytes</td></tr>
 *   <tr><td>0x060</td><td>32</td><td>FAILURE_LENGTH</td><td>length in bytes of FAILURE, written before STATE = failed</td></tr>
 *   <tr><td>0x064</td><td>-</td><td>-</td><td>reserved</td></tr>
 *   <tr><td>0x068</td><td>64</td><td>ENDED_AT</td><td>when the device stopped, failed or was removed, milliseconds since the
 *       epoch, written before the STATE that says so; 0 while it runs</td></tr>
 *   <tr><td>0x070</td><td>-</td><td>-</td><td>reserved up to 0x0ff</td></tr>
 *   <tr><td>0x100</td><td>up to {@value #FAILURE_CAPACITY} bytes</td><td>FAILURE</td><td>why the device failed, UTF-8</td></tr>
 *   <tr><td>{@value #HEADER_SIZE_HEX}</td><td>REGION_SIZE bytes</td><td>-</td><td>the device's region</td></tr>
 * </table>
 * The header is one page, so the device region is page-aligned in the file; a QEMU guest that maps
 * the file through {@code ivshmem-plain} finds the header at BAR2 offset 0 and the device region
 * at BAR2 + {@value #HEADER_SIZE_HEX}.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>The host writes MAGIC = 0 (a host reusing a file first withdraws the old header), then
 *       every other word with STATE = starting and HEARTBEAT = 0, then MAGIC with a release store.</li>
 *   <li>It starts the device, increments HEARTBEAT every period, and writes STATE = ready once the
 *       device can serve.</li>
 *   <li>When the device stops it writes STATE = stopped; when it fails, FAILURE and FAILURE_LENGTH,
 *       then STATE = failed. The heartbeat stops either way.</li>
 *   <li>A driver waits for MAGIC with an acquire load, checks LAYOUT_VERSION and KIND, waits for
 *       STATE = ready, and from then on takes the device for dead if STATE says stopped or failed,
 *       if the process PID is gone, or if HEARTBEAT has not moved for several periods.</li>
 * </ol>
 * PID is only meaningful to a driver in the same PID namespace as the host (not across
 * containers); the heartbeat works anywhere the file is shared.
 */
public final class RemoteLayout {

    private RemoteLayout() {
    }

    /** MAGIC: the bytes {@code "SYSMEMDV"} read as a little-endian 64-bit word. */
    public static final long MAGIC_VALUE = 0x56444d454d535953L;
    /** {@link #MAGIC_VALUE} as text, for documentation. */
    public static final String MAGIC_VALUE_HEX = "0x56444d454d535953";
    /** LAYOUT_VERSION of the layout described here. */
    public static final int LAYOUT_VERSION_VALUE = 1;

    /** Size of the header, and offset of the device's region. */
    public static final long HEADER_SIZE = 0x1000;
    /** {@link #HEADER_SIZE} as text, for documentation. */
    public static final String HEADER_SIZE_HEX = "0x1000";
    /** Longest KIND, in ASCII characters. */
    public static final int KIND_CAPACITY = 32;
    /** Offset of the FAILURE text. */
    public static final long FAILURE_OFFSET = 0x100;
    /** Longest FAILURE text, in bytes; longer reasons are cut. */
    public static final int FAILURE_CAPACITY = (int) (HEADER_SIZE - FAILURE_OFFSET);

    /** 0x000. */
    public static final Register MAGIC = Register.of("MAGIC", 0x000, Width.U64);
    /** 0x008. */
    public static final Register LAYOUT_VERSION = Register.of("LAYOUT_VERSION", 0x008, Width.U32);
    /** 0x00c. */
    public static final Register STATE = Register.of("STATE", 0x00c, Width.U32);
    /** 0x010. */
    public static final Register HEARTBEAT = Register.of("HEARTBEAT", 0x010, Width.U64);
    /** 0x018. */
    public static final Register HEARTBEAT_PERIOD = Register.of("HEARTBEAT_PERIOD", 0x018, Width.U64);
    /** 0x020. */
    public static final Register PID = Register.of("PID", 0x020, Width.U64);
    /** 0x028. */
    public static final Register PROCESS_START = Register.of("PROCESS_START", 0x028, Width.U64);
    /** 0x030. */
    public static final Register REGION_OFFSET = Register.of("REGION_OFFSET", 0x030, Width.U64);
    /** 0x038. */
    public static final Register REGION_SIZE = Register.of("REGION_SIZE", 0x038, Width.U64);
    /** 0x040, the first of {@link #KIND_CAPACITY} bytes. */
    public static final long KIND_OFFSET = 0x040;
    /** 0x060. */
    public static final Register FAILURE_LENGTH = Register.of("FAILURE_LENGTH", 0x060, Width.U32);

    /** 0x068. */
    public static final Register ENDED_AT = Register.of("ENDED_AT", 0x068, Width.U64);

    /** Every word of the header, by offset (KIND and FAILURE are byte strings). */
    public static final List<Register> REGISTERS = List.of(MAGIC, LAYOUT_VERSION, STATE, HEARTBEAT, HEARTBEAT_PERIOD,
            PID, PROCESS_START, REGION_OFFSET, REGION_SIZE, FAILURE_LENGTH, ENDED_AT);

    /**
     * The size of a file holding the header and a device region of {@code regionSize} bytes.
     *
     * @throws IllegalArgumentException if {@code regionSize} is not positive or the sum overflows
     */
    public static long fileSize(long regionSize) {
        if (regionSize <= 0 || regionSize > Long.MAX_VALUE - HEADER_SIZE) {
            throw new IllegalArgumentException("a device region must be positive and fit a file, was " + regionSize + " bytes");
        }
        return HEADER_SIZE + regionSize;
    }

    /**
     * Checks that {@code kind} is a kind name the header can carry: 1 to {@value #KIND_CAPACITY}
     * characters of {@code [a-z0-9-]}.
     *
     * @return {@code kind}
     * @throws IllegalArgumentException naming the kind and the rule it breaks
     */
    public static String checkKind(String kind) {
        if (kind == null || kind.isEmpty() || kind.length() > KIND_CAPACITY || !kind.chars().allMatch(
                c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            throw new IllegalArgumentException("device kind '" + kind + "' must be 1 to " + KIND_CAPACITY
                    + " characters of a-z, 0-9 and '-'");
        }
        return kind;
    }
}
