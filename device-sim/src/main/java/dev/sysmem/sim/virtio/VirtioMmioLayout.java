package dev.sysmem.sim.virtio;

/**
 * Where everything of a {@link VirtioMmioDevice} lies in its shared region: the virtio-mmio
 * register block of VIRTIO 1.x section 4.2.2 ("MMIO Device Register Layout", the non-legacy
 * layout, {@code Version} 2) at offset 0, the device-specific configuration from 0x100, and three
 * words in the block's reserved space that stand in for the bus (see below). The rest of the
 * region, from {@link #GUEST_MEMORY_START}, is guest memory: the queue addresses a driver writes
 * ({@code QueueDesc}, {@code QueueDriver}, {@code QueueDevice}) and every buffer address in a
 * descriptor are byte offsets into the region.
 *
 * <table>
 *   <caption>Registers (all 32 bits, little-endian, naturally aligned)</caption>
 *   <tr><th>offset</th><th>name</th><th>driver</th><th>meaning</th></tr>
 *   <tr><td>0x000</td><td>MagicValue</td><td>R</td><td>0x74726976 ("virt")</td></tr>
 *   <tr><td>0x004</td><td>Version</td><td>R</td><td>2</td></tr>
 *   <tr><td>0x008</td><td>DeviceID</td><td>R</td><td>VIRTIO device type (2: block)</td></tr>
 *   <tr><td>0x00c</td><td>VendorID</td><td>R</td><td>{@link #VENDOR} ("SYSM")</td></tr>
 *   <tr><td>0x010</td><td>DeviceFeatures</td><td>R</td><td>feature bits 32·sel to 32·sel+31 offered</td></tr>
 *   <tr><td>0x014</td><td>DeviceFeaturesSel</td><td>W</td><td>sel for DeviceFeatures</td></tr>
 *   <tr><td>0x020</td><td>DriverFeatures</td><td>W</td><td>feature bits 32·sel to 32·sel+31 accepted</td></tr>
 *   <tr><td>0x024</td><td>DriverFeaturesSel</td><td>W</td><td>sel for DriverFeatures</td></tr>
 *   <tr><td>0x030</td><td>QueueSel</td><td>W</td><td>the queue the Queue* registers address</td></tr>
 *   <tr><td>0x034</td><td>QueueNumMax</td><td>R</td><td>largest queue size; 0: no such queue</td></tr>
 *   <tr><td>0x038</td><td>QueueNum</td><td>W</td><td>queue size the driver chose</td></tr>
 *   <tr><td>0x044</td><td>QueueReady</td><td>RW</td><td>1: the device may use the queue</td></tr>
 *   <tr><td>0x050</td><td>QueueNotify</td><td>W</td><td>a queue index: the driver kicks that queue</td></tr>
 *   <tr><td>0x060</td><td>InterruptStatus</td><td>R</td><td>bit 0 used buffer, bit 1 configuration change</td></tr>
 *   <tr><td>0x064</td><td>InterruptACK</td><td>W</td><td>bits written acknowledge those events</td></tr>
 *   <tr><td>0x070</td><td>Status</td><td>RW</td><td>device status; writing 0 resets the device</td></tr>
 *   <tr><td>0x080/0x084</td><td>QueueDescLow/High</td><td>W</td><td>descriptor table address</td></tr>
 *   <tr><td>0x090/0x094</td><td>QueueDriverLow/High</td><td>W</td><td>available ring (driver area) address</td></tr>
 *   <tr><td>0x0a0/0x0a4</td><td>QueueDeviceLow/High</td><td>W</td><td>used ring (device area) address</td></tr>
 *   <tr><td>0x0f0</td><td>BusWriteOffset</td><td>W</td><td>(not in the spec) offset of the register just written</td></tr>
 *   <tr><td>0x0f4</td><td>BusWriteCount</td><td>W</td><td>(not in the spec) register writes made, incremented after each</td></tr>
 *   <tr><td>0x0f8</td><td>BusDoneCount</td><td>R</td><td>(not in the spec) register writes the device has taken</td></tr>
 *   <tr><td>0x0fc</td><td>ConfigGeneration</td><td>R</td><td>changes whenever the configuration may read torn</td></tr>
 *   <tr><td>0x100</td><td>Config</td><td>R</td><td>device configuration (virtio-blk: {@code le64 capacity} in sectors)</td></tr>
 * </table>
 *
 * <p><b>The bus words.</b> A real virtio-mmio register is trapped: the device acts on a write
 * before the driver's next access. Shared memory traps nothing, so a write here is a bus cycle
 * of three stores, and a read waits for the device to have taken every earlier write, as a PCI
 * read flushes the posted writes before it:
 * <ol>
 *   <li>to <b>write</b> register R with V: wait until {@code BusDoneCount == BusWriteCount}, store V
 *       at R, store R's offset in {@code BusWriteOffset}, then store {@code BusWriteCount + 1}
 *       with release semantics (on x86-64 a plain store after the others);</li>
 *   <li>to <b>read</b> register R: wait until {@code BusDoneCount == BusWriteCount} (an acquire
 *       load), then load R.</li>
 * </ol>
 * The device takes one write at a time: it reads the offset and the value, acts (a write to a
 * read-only register is undone, a refused {@code FEATURES_OK} is cleared, ...) and then publishes
 * {@code BusDoneCount} with a release store. The 0x0f0-0x0f8 words are reserved in 4.2.2 and no
 * spec register moves there, so a driver that does not know them sees a plain virtio-mmio block.
 * One driver (one thread) writes registers at a time.
 */
public final class VirtioMmioLayout {

    private VirtioMmioLayout() {
    }

    /** {@code MagicValue}: "virt" read as a little-endian word. */
    public static final int MAGIC = 0x74726976;
    /** {@code Version} of the non-legacy layout. */
    public static final int VERSION = 2;
    /** {@code VendorID}: "SYSM" read as a little-endian word. */
    public static final int VENDOR = 0x4d535953;

    /** 0x000. */
    public static final int MAGIC_VALUE = 0x000;
    /** 0x004. */
    public static final int VERSION_REGISTER = 0x004;
    /** 0x008. */
    public static final int DEVICE_ID = 0x008;
    /** 0x00c. */
    public static final int VENDOR_ID = 0x00c;
    /** 0x010. */
    public static final int DEVICE_FEATURES = 0x010;
    /** 0x014. */
    public static final int DEVICE_FEATURES_SEL = 0x014;
    /** 0x020. */
    public static final int DRIVER_FEATURES = 0x020;
    /** 0x024. */
    public static final int DRIVER_FEATURES_SEL = 0x024;
    /** 0x030. */
    public static final int QUEUE_SEL = 0x030;
    /** 0x034. */
    public static final int QUEUE_NUM_MAX = 0x034;
    /** 0x038. */
    public static final int QUEUE_NUM = 0x038;
    /** 0x044. */
    public static final int QUEUE_READY = 0x044;
    /** 0x050. */
    public static final int QUEUE_NOTIFY = 0x050;
    /** 0x060. */
    public static final int INTERRUPT_STATUS = 0x060;
    /** 0x064. */
    public static final int INTERRUPT_ACK = 0x064;
    /** 0x070. */
    public static final int STATUS = 0x070;
    /** 0x080. */
    public static final int QUEUE_DESC_LOW = 0x080;
    /** 0x084. */
    public static final int QUEUE_DESC_HIGH = 0x084;
    /** 0x090. */
    public static final int QUEUE_DRIVER_LOW = 0x090;
    /** 0x094. */
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    /** 0x0a0. */
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    /** 0x0a4. */
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    /** 0x0f0 (reserved in the spec): the offset of the register the driver just wrote. */
    public static final int BUS_WRITE_OFFSET = 0x0f0;
    /** 0x0f4 (reserved in the spec): register writes the driver has made. */
    public static final int BUS_WRITE_COUNT = 0x0f4;
    /** 0x0f8 (reserved in the spec): register writes the device has taken. */
    public static final int BUS_DONE_COUNT = 0x0f8;
    /** 0x0fc. */
    public static final int CONFIG_GENERATION = 0x0fc;
    /** 0x100: the first byte of the device configuration. */
    public static final int CONFIG = 0x100;
    /** Bytes of the register block and the configuration together. */
    public static final int REGISTERS_SIZE = 0x200;
    /** The first offset a queue part or a buffer may use: the register page is not guest RAM. */
    public static final long GUEST_MEMORY_START = 0x1000;

    /** {@code InterruptStatus} bit 0: the device used a buffer. */
    public static final int INTERRUPT_USED_BUFFER = 1;
    /** {@code InterruptStatus} bit 1: the configuration (or the device status) changed. */
    public static final int INTERRUPT_CONFIG_CHANGE = 2;

    /** Status bit ACKNOWLEDGE (1): the driver found the device. */
    public static final int ACKNOWLEDGE = 1;
    /** Status bit DRIVER (2): the driver knows how to drive it. */
    public static final int DRIVER = 2;
    /** Status bit DRIVER_OK (4): the driver is set up; the device may use its queues. */
    public static final int DRIVER_OK = 4;
    /** Status bit FEATURES_OK (8): the driver accepted its features; cleared by the device if it refuses them. */
    public static final int FEATURES_OK = 8;
    /** Status bit DEVICE_NEEDS_RESET (64): the device hit an error only a reset clears. */
    public static final int DEVICE_NEEDS_RESET = 64;
    /** Status bit FAILED (128): the driver gave up on the device. */
    public static final int FAILED = 128;

    /** The name of the register at {@code offset}, for messages: "Status (0x070)", or "offset 0x0e8" for a reserved word. */
    public static String describe(int offset) {
        String name = switch (offset) {
            case MAGIC_VALUE -> "MagicValue";
            case VERSION_REGISTER -> "Version";
            case DEVICE_ID -> "DeviceID";
            case VENDOR_ID -> "VendorID";
            case DEVICE_FEATURES -> "DeviceFeatures";
            case DEVICE_FEATURES_SEL -> "DeviceFeaturesSel";
            case DRIVER_FEATURES -> "DriverFeatures";
            case DRIVER_FEATURES_SEL -> "DriverFeaturesSel";
            case QUEUE_SEL -> "QueueSel";
            case QUEUE_NUM_MAX -> "QueueNumMax";
            case QUEUE_NUM -> "QueueNum";
            case QUEUE_READY -> "QueueReady";
            case QUEUE_NOTIFY -> "QueueNotify";
            case INTERRUPT_STATUS -> "InterruptStatus";
            case INTERRUPT_ACK -> "InterruptACK";
            case STATUS -> "Status";
            case QUEUE_DESC_LOW -> "QueueDescLow";
            case QUEUE_DESC_HIGH -> "QueueDescHigh";
            case QUEUE_DRIVER_LOW -> "QueueDriverLow";
            case QUEUE_DRIVER_HIGH -> "QueueDriverHigh";
            case QUEUE_DEVICE_LOW -> "QueueDeviceLow";
            case QUEUE_DEVICE_HIGH -> "QueueDeviceHigh";
            case BUS_WRITE_OFFSET -> "BusWriteOffset";
            case BUS_WRITE_COUNT -> "BusWriteCount";
            case BUS_DONE_COUNT -> "BusDoneCount";
            case CONFIG_GENERATION -> "ConfigGeneration";
            default -> offset >= CONFIG && offset < REGISTERS_SIZE ? "Config+0x" + Integer.toHexString(offset - CONFIG)
                    : null;
        };
        String hex = String.format("0x%03x", offset);
        return name != null ? name + " (" + hex + ")" : "offset " + hex;
    }
}
