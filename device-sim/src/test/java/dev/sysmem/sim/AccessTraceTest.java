package dev.sysmem.sim;

import dev.sysmem.io.AtomicIo;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Register;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.Width;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.sysmem.testing.Awaits.soon;

class AccessTraceTest {

    @Test
    void aWrappedSysMemRecordsThreadRegionOffsetWidthValueAndMode() {
        AccessTrace trace = new AccessTrace(16);
        try (SharedMemory shm = SharedMemory.anonymous(4096)) {
            AtomicIo ring = trace.wrap(shm.io("ring").withMode(AccessMode.ACQUIRE_RELEASE));
            ring.write16(0x10, 0xbeef);
            assertThat(ring.read64(0x10)).isEqualTo(0xbeef);
            ring.write8(0x20, -1);
            assertThat(ring.getAndAdd32(0x30, 5)).isZero();
        }
        List<AccessTrace.Entry> entries = trace.entries();
        assertThat(entries).hasSize(4);
        AccessTrace.Entry first = entries.getFirst();
        assertThat(first.sequence()).isZero();
        assertThat(first.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.region()).isEqualTo("ring");
        assertThat(first.mode()).isEqualTo("ACQUIRE_RELEASE");
        assertThat(first.write()).isTrue();
        assertThat(first.width()).isEqualTo(Width.U16);
        assertThat(first.offset()).isEqualTo(0x10);
        assertThat(first.value()).isEqualTo(0xbeef);
        assertThat(entries.get(1).value()).isEqualTo(0xbeef);
        assertThat(entries.get(1).write()).isFalse();
        assertThat(entries.get(2).value()).isEqualTo(0xff);               // the bits stored, not the signed -1
        assertThat(entries.get(3).mode()).isEqualTo("ATOMIC");
        assertThat(entries.get(3).value()).isEqualTo(5);
        assertThat(entries).extracting(AccessTrace.Entry::nanos).isSorted();
    }

    @Test
    void theRingKeepsOnlyTheNewestEntriesAndSaysHowManyItDropped() {
        AccessTrace trace = new AccessTrace(4);
        for (int i = 0; i < 10; i++) {
            trace.record("r", "OPAQUE", true, Width.U32, 4L * i, i);
        }
        assertThat(trace.recorded()).isEqualTo(10);
        assertThat(trace.entries()).extracting(AccessTrace.Entry::value).containsExactly(6L, 7L, 8L, 9L);
        String dump = trace.dump();
        assertThat(dump).startsWith("access trace: 4 entries (6 older or in-flight entries not shown)");
        assertThat(dump).contains("#9 ").contains(" r OPAQUE W u32 0x24 = 0x00000009");
        assertThatThrownBy(() -> new AccessTrace(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mmioRecordsDriverAndDeviceThreadAccesses() {
        Register doorbell = Register.of("DOORBELL", 0x0, Width.U32);
        AccessTrace trace = new AccessTrace(64);
        Mmio regs = Mmio.builder("traced-bar", 0x10).register(doorbell).trace(trace).build();
        try (DeviceRunner runner = new DeviceRunner().start(DeviceRunnerTest.device("tracer", context -> regs.read32(0)))) {
            soon().until(() -> !runner.isRunning("tracer"));
        }
        regs.write32(0, 7);
        assertThat(trace.entries()).extracting(e -> e.thread() + " " + e.mode() + " " + (e.write() ? "W" : "R") + " " + e.value())
                .containsExactly("device-tracer MMIO R 0", Thread.currentThread().getName() + " MMIO W 7");
    }
}
