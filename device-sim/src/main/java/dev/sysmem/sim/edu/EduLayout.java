package dev.sysmem.sim.edu;

import dev.sysmem.io.FieldAccess;
import dev.sysmem.io.Register;
import dev.sysmem.io.Width;

import java.util.List;

/**
 * The register map of QEMU's {@code edu} device (QEMU {@code docs/specs/edu.rst}, behaviour of
 * {@code hw/misc/edu.c}), as {@link Register} definitions and constants a driver uses.
 *
 * <table>
 *   <caption>edu BAR0 registers</caption>
 *   <tr><th>offset</th><th>width</th><th>name</th><th>meaning</th></tr>
 *   <tr><td>0x00</td><td>32</td><td>ID</td><td>RO, {@code 0x010000ed}: version 1.0</td></tr>
 *   <tr><td>0x04</td><td>32</td><td>LIVENESS</td><td>a write stores the bitwise inverse, a read returns it</td></tr>
 *   <tr><td>0x08</td><td>32</td><td>FACTORIAL</td><td>a write starts computing its factorial (mod 2<sup>32</sup>) unless one is being computed; a read returns the result</td></tr>
 *   <tr><td>0x20</td><td>32</td><td>STATUS</td><td>0x01 computing (RO); 0x80 raise interrupt 0x1 when the factorial is done (RW)</td></tr>
 *   <tr><td>0x24</td><td>32</td><td>IRQ_STATUS</td><td>RO: interrupt causes, 0x1 factorial, 0x100 DMA</td></tr>
 *   <tr><td>0x60</td><td>32</td><td>IRQ_RAISE</td><td>WO: ORs the value into IRQ_STATUS and raises the interrupt</td></tr>
 *   <tr><td>0x64</td><td>32</td><td>IRQ_ACK</td><td>WO: clears the value's bits in IRQ_STATUS; lowers the interrupt once none is left</td></tr>
 *   <tr><td>0x80</td><td>64</td><td>DMA_SOURCE</td><td>DMA source address</td></tr>
 *   <tr><td>0x88</td><td>64</td><td>DMA_DESTINATION</td><td>DMA destination address</td></tr>
 *   <tr><td>0x90</td><td>64</td><td>DMA_COUNT</td><td>DMA transfer size in bytes</td></tr>
 *   <tr><td>0x98</td><td>64</td><td>DMA_COMMAND</td><td>0x1 start (set while running), 0x2 direction (0 RAM to device, 1 device to RAM), 0x4 raise interrupt 0x100 when done</td></tr>
 * </table>
 * Below 0x80 only 32-bit accesses are valid; from 0x80, 32- and 64-bit accesses. The device's DMA
 * buffer is {@value #DMA_BUFFER_SIZE} bytes at device address {@code 0x40000}.
 */
public final class EduLayout {

    private EduLayout() {
    }

    /** Size of BAR0. */
    public static final long MMIO_SIZE = 1 << 20;

    /** What ID reads: major 1, minor 0, then 0x00ed. */
    public static final int ID_VALUE = 0x010000ed;

    /** STATUS bit: a factorial is being computed. */
    public static final int STATUS_COMPUTING = 0x01;
    /** STATUS bit: raise {@link #IRQ_FACTORIAL} when the factorial is done. */
    public static final int STATUS_IRQ_ON_FACTORIAL = 0x80;

    /** IRQ_STATUS bit of a finished factorial. */
    public static final int IRQ_FACTORIAL = 0x001;
    /** IRQ_STATUS bit of a finished DMA transfer. */
    public static final int IRQ_DMA = 0x100;

    /** DMA_COMMAND bit: start a transfer; reads 1 while it runs. */
    public static final long DMA_START = 0x1;
    /** DMA_COMMAND bit: direction device buffer to RAM (clear: RAM to device buffer). */
    public static final long DMA_TO_RAM = 0x2;
    /** DMA_COMMAND bit: raise {@link #IRQ_DMA} when the transfer is done. */
    public static final long DMA_IRQ = 0x4;

    /** Device-side address of the DMA buffer. */
    public static final long DMA_BUFFER_ADDRESS = 0x40000;
    /** Size of the DMA buffer in bytes. */
    public static final int DMA_BUFFER_SIZE = 4096;

    /** QEMU's default {@code dma_mask} property: 28 address bits. */
    public static final long DEFAULT_DMA_MASK = (1L << 28) - 1;

    /** 0x00, read-only identification. */
    public static final Register ID = Register.builder("ID", 0x00, Width.U32).reset(ID_VALUE)
            .field("ID", 31, 0, FieldAccess.RO).build();
    /** 0x04, card liveness check. */
    public static final Register LIVENESS = Register.of("LIVENESS", 0x04, Width.U32);
    /** 0x08, factorial computation. */
    public static final Register FACTORIAL = Register.of("FACTORIAL", 0x08, Width.U32);
    /** 0x20, status. */
    public static final Register STATUS = Register.builder("STATUS", 0x20, Width.U32)
            .field("COMPUTING", 0, 0, FieldAccess.RO)
            .field("IRQ_ON_FACTORIAL", 7, 7, FieldAccess.RW)
            .build();
    /** 0x24, interrupt status. */
    public static final Register IRQ_STATUS = Register.builder("IRQ_STATUS", 0x24, Width.U32)
            .field("CAUSES", 31, 0, FieldAccess.RO).build();
    /** 0x60, interrupt raise. */
    public static final Register IRQ_RAISE = Register.builder("IRQ_RAISE", 0x60, Width.U32)
            .field("CAUSES", 31, 0, FieldAccess.WO).build();
    /** 0x64, interrupt acknowledge. */
    public static final Register IRQ_ACK = Register.builder("IRQ_ACK", 0x64, Width.U32)
            .field("CAUSES", 31, 0, FieldAccess.WO).build();
    /** 0x80, DMA source address. */
    public static final Register DMA_SOURCE = Register.of("DMA_SOURCE", 0x80, Width.U64);
    /** 0x88, DMA destination address. */
    public static final Register DMA_DESTINATION = Register.of("DMA_DESTINATION", 0x88, Width.U64);
    /** 0x90, DMA transfer count. */
    public static final Register DMA_COUNT = Register.of("DMA_COUNT", 0x90, Width.U64);
    /** 0x98, DMA command. */
    public static final Register DMA_COMMAND = Register.of("DMA_COMMAND", 0x98, Width.U64);

    /** Every register, by offset. */
    public static final List<Register> REGISTERS = List.of(ID, LIVENESS, FACTORIAL, STATUS, IRQ_STATUS, IRQ_RAISE,
            IRQ_ACK, DMA_SOURCE, DMA_DESTINATION, DMA_COUNT, DMA_COMMAND);
}
