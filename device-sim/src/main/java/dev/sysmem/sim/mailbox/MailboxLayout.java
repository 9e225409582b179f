package dev.sysmem.sim.mailbox;

import dev.sysmem.io.Register;
import dev.sysmem.io.Width;

import java.util.List;

/**
 * The mailbox's register block and protocol: fixed offsets in a shared-memory region, so that a
 * driver needs nothing but loads and stores (a thread of this JVM, another JVM mapping the same
 * {@code /dev/shm} file, or a QEMU guest reaching the region through ivshmem BAR2 with busybox
 * {@code devmem}). Nothing traps; the protocol works on ordinary memory.
 *
 * <h2>Layout</h2>
 * All words are little-endian, naturally aligned. "driver" words are written only by the driver,
 * "device" words only by the device.
 * <table>
 *   <caption>Mailbox register block</caption>
 *   <tr><th>offset</th><th>width</th><th>name</th><th>written by</th><th>meaning</th></tr>
 *   <tr><td>0x000</td><td>32</td><td>MAGIC</td><td>device</td><td>{@value #MAGIC_VALUE_HEX} ("MBOX" in memory) once the device has started</td></tr>
 *   <tr><td>0x004</td><td>32</td><td>VERSION</td><td>device</td><td>{@value #VERSION_VALUE}</td></tr>
 *   <tr><td>0x008</td><td>32</td><td>DEVICE_STATE</td><td>device</td><td>0 no device yet, 1 ready, 2 stopped</td></tr>
 *   <tr><td>0x00c</td><td>32</td><td>-</td><td>-</td><td>reserved, 0</td></tr>
 *   <tr><td>0x010</td><td>32</td><td>COMMAND</td><td>driver</td><td>the command to run, see below</td></tr>
 *   <tr><td>0x014</td><td>32</td><td>-</td><td>-</td><td>reserved, 0</td></tr>
 *   <tr><td>0x018</td><td>64</td><td>ARG0</td><td>driver</td><td>first argument</td></tr>
 *   <tr><td>0x020</td><td>64</td><td>ARG1</td><td>driver</td><td>second argument</td></tr>
 *   <tr><td>0x028</td><td>64</td><td>RESULT</td><td>device</td><td>the command's result</td></tr>
 *   <tr><td>0x030</td><td>32</td><td>STATUS</td><td>device</td><td>0 OK, else an error code, see below</td></tr>
 *   <tr><td>0x034</td><td>32</td><td>-</td><td>-</td><td>reserved, 0</td></tr>
 *   <tr><td>0x038</td><td>32</td><td>DOORBELL</td><td>driver</td><td>sequence number of the latest request (release store)</td></tr>
 *   <tr><td>0x03c</td><td>32</td><td>COMPLETED</td><td>device</td><td>sequence number of the latest completed request (release store)</td></tr>
 *   <tr><td>0x040</td><td>-</td><td>-</td><td>-</td><td>reserved up to 0x0ff</td></tr>
 *   <tr><td>0x100</td><td>-</td><td>DATA</td><td>driver</td><td>bytes for commands that take a buffer, up to the end of the region</td></tr>
 * </table>
 * The region is at least {@value #MIN_REGION_SIZE} bytes. A 64-bit word may be written as one
 * 64-bit store or as two 32-bit stores (low half at the word's offset, high half 4 bytes above):
 * the doorbell publishes both.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>The device, on start, writes MAGIC and VERSION, then DEVICE_STATE = 1 (ready). It keeps
 *       COMPLETED as it finds it, so a request made before the device started is not lost.</li>
 *   <li>The driver waits until DOORBELL == COMPLETED (no request in flight), writes COMMAND, ARG0,
 *       ARG1 and any DATA, then writes DOORBELL = DOORBELL + 1 (wrapping) with a release store,
 *       which publishes everything before it. In-process it may also ring the device's
 *       {@link dev.sysmem.sim.Doorbell} to wake the device without polling.</li>
 *   <li>The device notices DOORBELL != COMPLETED (woken by the in-process doorbell, or by polling
 *       the word with a short backoff), reads it with acquire, runs the command found in
 *       COMMAND/ARG0/ARG1, writes RESULT and STATUS, then writes COMPLETED = the DOORBELL value it
 *       ran with a release store, and pulses its completion interrupt.</li>
 *   <li>The driver waits (polling COMPLETED with acquire loads and a deadline, or on the
 *       completion interrupt) until COMPLETED == its sequence number, then reads STATUS and
 *       RESULT.</li>
 * </ol>
 * One request is in flight at a time: a driver that writes the doorbell twice before completion
 * gets one completion, for the command present when the device read it.
 *
 * <h2>Commands</h2>
 * <table>
 *   <caption>Mailbox commands</caption>
 *   <tr><th>COMMAND</th><th>name</th><th>RESULT</th></tr>
 *   <tr><td>1</td><td>ECHO</td><td>ARG0</td></tr>
 *   <tr><td>2</td><td>ADD</td><td>ARG0 + ARG1, modulo 2<sup>64</sup></td></tr>
 *   <tr><td>3</td><td>CRC32</td><td>the CRC-32 (ISO-HDLC, as zlib's {@code crc32} and {@link java.util.zip.CRC32})
 *       of the ARG1 bytes at region offset ARG0, zero-extended; the range must lie within DATA</td></tr>
 * </table>
 * <table>
 *   <caption>Mailbox status codes</caption>
 *   <tr><th>STATUS</th><th>name</th><th>RESULT</th></tr>
 *   <tr><td>0</td><td>OK</td><td>as above</td></tr>
 *   <tr><td>1</td><td>UNKNOWN_COMMAND</td><td>the COMMAND value (0 is not a command: an unwritten COMMAND fails clearly)</td></tr>
 *   <tr><td>2</td><td>OUT_OF_RANGE</td><td>0: ARG0/ARG1 name bytes outside DATA</td></tr>
 * </table>
 *
 * <h2>From a QEMU guest (busybox devmem, BAR2 at {@code $B})</h2>
 * <pre>
 * devmem $((B + 0x10)) 32 2              # COMMAND = ADD
 * devmem $((B + 0x18)) 64 40             # ARG0
 * devmem $((B + 0x20)) 64 2              # ARG1
 * seq=$(( $(devmem $((B + 0x38)) 32) + 1 ))
 * devmem $((B + 0x38)) 32 $seq           # DOORBELL (x86 stores are not reordered with older stores)
 * until [ $(( $(devmem $((B + 0x3c)) 32) )) -eq $seq ]; do :; done
 * devmem $((B + 0x30)) 32                # STATUS: 0x00000000
 * devmem $((B + 0x28)) 64                # RESULT: 0x000000000000002A
 * </pre>
 */
public final class MailboxLayout {

    private MailboxLayout() {
    }

    /** MAGIC: "MBOX" as bytes in memory, little-endian. */
    public static final int MAGIC_VALUE = 0x584f424d;
    /** {@link #MAGIC_VALUE} as text, for documentation. */
    public static final String MAGIC_VALUE_HEX = "0x584f424d";
    /** VERSION of this layout. */
    public static final int VERSION_VALUE = 1;

    /** DEVICE_STATE: no device has started on this memory yet. */
    public static final int STATE_ABSENT = 0;
    /** DEVICE_STATE: the device is running and serves requests. */
    public static final int STATE_READY = 1;
    /** DEVICE_STATE: the device stopped cleanly. */
    public static final int STATE_STOPPED = 2;

    /** COMMAND: RESULT = ARG0. */
    public static final int CMD_ECHO = 1;
    /** COMMAND: RESULT = ARG0 + ARG1 (mod 2^64). */
    public static final int CMD_ADD = 2;
    /** COMMAND: RESULT = CRC-32 of the ARG1 bytes at region offset ARG0, inside DATA. */
    public static final int CMD_CRC32 = 3;

    /** STATUS: the command ran. */
    public static final int STATUS_OK = 0;
    /** STATUS: COMMAND holds no known command; RESULT = COMMAND. */
    public static final int STATUS_UNKNOWN_COMMAND = 1;
    /** STATUS: the arguments name bytes outside DATA. */
    public static final int STATUS_OUT_OF_RANGE = 2;

    /** Offset of the DATA area. */
    public static final long DATA_OFFSET = 0x100;
    /** The smallest region the mailbox works in (a page: also a valid ivshmem BAR2 size). */
    public static final long MIN_REGION_SIZE = 0x1000;

    /** 0x000, written by the device. */
    public static final Register MAGIC = Register.of("MAGIC", 0x000, Width.U32);
    /** 0x004, written by the device. */
    public static final Register VERSION = Register.of("VERSION", 0x004, Width.U32);
    /** 0x008, written by the device (release). */
    public static final Register DEVICE_STATE = Register.of("DEVICE_STATE", 0x008, Width.U32);
    /** 0x010, written by the driver. */
    public static final Register COMMAND = Register.of("COMMAND", 0x010, Width.U32);
    /** 0x018, written by the driver. */
    public static final Register ARG0 = Register.of("ARG0", 0x018, Width.U64);
    /** 0x020, written by the driver. */
    public static final Register ARG1 = Register.of("ARG1", 0x020, Width.U64);
    /** 0x028, written by the device. */
    public static final Register RESULT = Register.of("RESULT", 0x028, Width.U64);
    /** 0x030, written by the device. */
    public static final Register STATUS = Register.of("STATUS", 0x030, Width.U32);
    /** 0x038, written by the driver (release). */
    public static final Register DOORBELL = Register.of("DOORBELL", 0x038, Width.U32);
    /** 0x03c, written by the device (release). */
    public static final Register COMPLETED = Register.of("COMPLETED", 0x03c, Width.U32);

    /** Every word of the block, by offset. */
    public static final List<Register> REGISTERS = List.of(MAGIC, VERSION, DEVICE_STATE, COMMAND, ARG0, ARG1,
            RESULT, STATUS, DOORBELL, COMPLETED);

    /** The name of command {@code command}, or {@code 0x..} if unknown. */
    public static String commandName(int command) {
        return switch (command) {
            case CMD_ECHO -> "ECHO";
            case CMD_ADD -> "ADD";
            case CMD_CRC32 -> "CRC32";
            default -> "0x" + Integer.toHexString(command);
        };
    }

    /** The name of status {@code status}, or {@code 0x..} if unknown. */
    public static String statusName(int status) {
        return switch (status) {
            case STATUS_OK -> "OK";
            case STATUS_UNKNOWN_COMMAND -> "UNKNOWN_COMMAND";
            case STATUS_OUT_OF_RANGE -> "OUT_OF_RANGE";
            default -> "0x" + Integer.toHexString(status);
        };
    }
}
