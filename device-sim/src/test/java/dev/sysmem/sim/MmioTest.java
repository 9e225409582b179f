package dev.sysmem.sim;

import dev.sysmem.io.AtomicIo;
import dev.sysmem.io.FieldAccess;
import dev.sysmem.io.Register;
import dev.sysmem.io.Width;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.sysmem.testing.Awaits.soon;

class MmioTest {

    static final Register CTRL = Register.builder("CTRL", 0x00, Width.U32).reset(0x0000_0100)
            .field("ENABLE", 0, 0, FieldAccess.RW)
            .field("VERSION", 15, 8, FieldAccess.RO)
            .field("KEY", 31, 24, FieldAccess.WO)
            .build();
    static final Register STATUS = Register.builder("STATUS", 0x04, Width.U32)
            .field("DONE", 0, 0, FieldAccess.W1C)
            .field("ERROR", 1, 1, FieldAccess.W1C)
            .field("EVENTS", 15, 8, FieldAccess.RC)
            .build();
    static final Register SCRATCH = Register.of("SCRATCH", 0x08, Width.U32);
    static final Register WIDE = Register.of("WIDE", 0x10, Width.U64);
    static final Register COUNTER = Register.of("COUNTER", 0x18, Width.U32);

    static Mmio.Builder plain() {
        return Mmio.builder("test-bar", 0x100).registers(CTRL, STATUS, SCRATCH, WIDE);
    }

    @Test
    void readOnlyBitsIgnoreWritesAndReservedBitsKeepTheirResetValue() {
        Mmio regs = plain().build();
        regs.write32(0x00, 0xffff_ffff);
        // ENABLE (RW) took the 1, VERSION (RO) kept 0x01, KEY (WO) reads 0, bits 7:1 and 23:16 are reserved
        assertThat(regs.read32(0x00)).isEqualTo(0x0000_0101);
        assertThat(regs.value(CTRL)).isEqualTo(0xff00_0101L);   // the device sees the write-only KEY
    }

    @Test
    void writeOneToClearClearsOnlyTheBitsWrittenAsOne() {
        Mmio regs = plain().build();
        regs.set(STATUS, 0b11);
        regs.write32(0x04, 0b01);
        assertThat(regs.read32(0x04)).isEqualTo(0b10);
        regs.write32(0x04, 0);
        assertThat(regs.read32(0x04)).isEqualTo(0b10);
        regs.write32(0x04, 0b10);
        assertThat(regs.read32(0x04)).isZero();
    }

    @Test
    void readToClearReturnsTheValueOnceAndWritesDoNotTouchIt() {
        Mmio regs = plain().build();
        regs.set(STATUS, 0x0500);
        regs.write32(0x04, 0xff00);
        assertThat(regs.read32(0x04)).isEqualTo(0x0500);
        assertThat(regs.read32(0x04)).isZero();
    }

    @Test
    void aRegisterWithoutFieldsIsReadWrite() {
        Mmio regs = plain().build();
        regs.write32(0x08, 0xdead_beef);
        assertThat(regs.read32(0x08)).isEqualTo(0xdead_beef);
        regs.write64(0x10, 0x1122_3344_5566_7788L);
        assertThat(regs.read64(0x10)).isEqualTo(0x1122_3344_5566_7788L);
    }

    @Test
    void hooksDecideWhatReadsReturnAndWhatWritesStore() {
        AtomicInteger starts = new AtomicInteger();
        Mmio regs = plain()
                .onRead(SCRATCH, v -> v ^ 0xffff_ffffL)
                .onWrite(CTRL, w -> {
                    if ((w.written() & 1) != 0) {
                        starts.incrementAndGet();
                    }
                    return w.merged();
                })
                .build();
        regs.write32(0x08, 0x0f0f_0f0f);
        assertThat(regs.read32(0x08)).isEqualTo(0xf0f0_f0f0);
        assertThat(regs.value(SCRATCH)).isEqualTo(0x0f0f_0f0fL);
        regs.write32(0x00, 1);
        regs.write32(0x00, 0);
        assertThat(starts).hasValue(1);
        assertThat(regs.read32(0x00)).isEqualTo(0x100);
    }

    @Test
    void narrowAccessesSeeAndChangeOnlyTheLowBitsUnlessAHookSaysOtherwise() {
        Mmio regs = plain().accept(WIDE, Width.U32).build();
        regs.write64(0x10, 0x1122_3344_5566_7788L);
        assertThat(regs.read32(0x10)).isEqualTo(0x5566_7788);
        regs.write32(0x10, 0xaabb_ccdd);
        assertThat(regs.read64(0x10)).isEqualTo(0x1122_3344_aabb_ccddL);

        Mmio zeroExtending = plain().accept(WIDE, Width.U32).onWrite(WIDE, w -> w.written()).build();
        zeroExtending.write64(0x10, -1L);
        zeroExtending.write32(0x10, 0x1000);
        assertThat(zeroExtending.read64(0x10)).isEqualTo(0x1000);
    }

    @Test
    void undecodedAccessesAreRefusedByDefaultNamingTheRegisterThere() {
        Mmio regs = plain().build();
        assertThatThrownBy(() -> regs.read32(0x40)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 'test-bar'").hasMessageContaining("u32 read at offset 0x40")
                .hasMessageContaining("no register starts");
        assertThatThrownBy(() -> regs.write16(0x08, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("u16 write at offset 0x8")
                .hasMessageContaining("register SCRATCH there accepts only [u32]");
        assertThatThrownBy(() -> regs.read32(0x14)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 0x14");   // inside WIDE, but WIDE starts at 0x10
    }

    @Test
    void undecodedAccessesCanReadAsAFixedValueAndIgnoreWrites() {
        Mmio regs = plain().undecoded(UndecodedAccess.readsAs(-1)).build();
        assertThat(regs.read32(0x40)).isEqualTo(-1);
        assertThat(regs.read16(0x08)).isEqualTo(0xffff);
        regs.write8(0x08, 0x12);
        assertThat(regs.read32(0x08)).isZero();
    }

    @Test
    void accessesOutsideTheRegionMisalignedTooWideOrOfRefusedWidthsThrowBeforeAnyHandlerRuns() {
        AtomicInteger hookCalls = new AtomicInteger();
        Mmio regs = plain().widths(Width.U32, Width.U64)
                .onWrite(SCRATCH, w -> {
                    hookCalls.incrementAndGet();
                    return w.merged();
                })
                .undecoded(UndecodedAccess.readsAs(0)).build();
        assertThatThrownBy(() -> regs.read32(0x100)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("region 'test-bar'").hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> regs.read32(-4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> regs.write32(0x0a, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("misaligned");
        assertThatThrownBy(() -> regs.read8(0x08)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("supports only [u32, u64]");
        assertThatThrownBy(() -> regs.write(Width.U32, 0x08, 0x1_0000_0000L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit in 32 bits");
        assertThat(regs).as("registers offer no compare-and-set").isNotInstanceOf(AtomicIo.class);
        assertThat(hookCalls).hasValue(0);
    }

    @Test
    void driverAccessesHooksAndDeviceUpdatesAreSerialised() {
        // Each write to COUNTER adds one in its hook; the device thread adds one with update(). If any
        // two of them interleaved, increments would be lost.
        Mmio regs = Mmio.builder("counter-bar", 0x100).register(COUNTER)
                .onWrite(COUNTER, w -> w.before() + 1).build();
        int perThread = 20_000;
        List<Thread> drivers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            drivers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    regs.write32(0x18, 0);
                }
            }));
        }
        try (DeviceRunner runner = new DeviceRunner().start(DeviceRunnerTest.device("adder", context -> {
            for (int i = 0; i < perThread; i++) {
                regs.update(COUNTER, v -> v + 1);
            }
        }))) {
            soon()
                    .until(() -> drivers.stream().noneMatch(Thread::isAlive) && !runner.isRunning("adder"));
        }
        assertThat(regs.read32(0x18)).isEqualTo(3 * perThread);
    }

    @Test
    void theDeviceSideApiChecksRegistersAndValues() {
        Mmio regs = plain().build();
        assertThatThrownBy(() -> regs.set(COUNTER, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COUNTER").hasMessageContaining("not mapped in region 'test-bar'");
        assertThatThrownBy(() -> regs.set(SCRATCH, 0x1_0000_0000L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SCRATCH");
        assertThat(regs.registerAt(0x04)).contains(STATUS);
        assertThat(regs.registerAt(0x06)).isEmpty();
        assertThat(regs.relaxed()).isSameAs(regs);
    }

    @Test
    void badRegisterMapsAreRefusedWhenBuilt() {
        Register overlapping = Register.of("OVERLAP", 0x14, Width.U32);
        assertThatThrownBy(() -> plain().register(overlapping).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OVERLAP").hasMessageContaining("overlaps register WIDE");
        Register outside = Register.of("FAR", 0x100, Width.U32);
        assertThatThrownBy(() -> plain().register(outside).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FAR").hasMessageContaining("outside");
        Register relative = Register.builder("REL", 0x0, Width.U32).relative().build();
        assertThatThrownBy(() -> Mmio.builder("r", 0x10).register(relative).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relative");
        assertThatThrownBy(() -> plain().onWrite(COUNTER, w -> 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COUNTER is not mapped");
        assertThatThrownBy(() -> plain().accept(SCRATCH, Width.U64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wider");
        assertThatThrownBy(() -> plain().register(SCRATCH)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapped twice");
        assertThatThrownBy(() -> plain().widths(Width.U64).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accepts only [u64]");
    }

    @Test
    void fieldHelpersAndMmioAgreeOnFieldLayout() {
        // A driver using the core's typed values on an Mmio sees the device's semantics.
        Mmio regs = plain().build();
        CTRL.write(regs, CTRL.resetValue().with("ENABLE", 1));
        assertThat(CTRL.read(regs).get("ENABLE")).isEqualTo(1);
        assertThat(CTRL.read(regs).get("VERSION")).isEqualTo(1);
    }
}
