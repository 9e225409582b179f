package dev.sysmem.sim.chaos;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.testing.Awaits;
import dev.sysmem.sim.DeviceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sysmem.testing.Awaits.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosDeviceTest {

    private static final Duration FOREVER_FOR_A_TEST = Duration.ofMinutes(10);

    private final SharedMemory shm = SharedMemory.anonymous(256);

    @AfterEach
    void close() {
        shm.close();
    }

    private static List<String> describe(List<AccessTrace.Entry> entries) {
        return entries.stream().map(e -> e.width() + "@" + e.offset() + "=" + e.value()).toList();
    }

    private static List<String> describe(ChaosPlan plan, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ChaosWrite w = plan.next();
            out.add(w.width() + "@" + w.offset() + "=" + w.value());
        }
        return out;
    }

    /** Runs {@code device} until it made {@code writes} writes, then stops it. */
    private static void runUntil(ChaosDevice device, long writes) {
        try (DeviceRunner runner = new DeviceRunner().start(device)) {
            soon().until(() -> device.writes() >= writes);
            runner.checkHealthy();
        }
    }

    @Test
    void theSameSeedGivesTheSameWritesAndTheDeviceMakesExactlyThePlannedOnes() {
        AccessTrace trace = new AccessTrace(500);
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(1234).writeLimit(300).trace(trace).build();
        runUntil(chaos, 300);
        assertThat(describe(trace.entries())).containsExactlyElementsOf(describe(chaos.plan(), 300));
        assertThat(describe(chaos.plan(), 50)).isEqualTo(describe(chaos.plan(), 50));
        try (SharedMemory other = SharedMemory.anonymous(256)) {
            ChaosDevice sameSeed = ChaosDevice.builder("twin", other).seed(1234).build();
            ChaosDevice otherSeed = ChaosDevice.builder("other", other).seed(4321).build();
            assertThat(describe(sameSeed.plan(), 50)).isEqualTo(describe(chaos.plan(), 50));
            assertThat(describe(otherSeed.plan(), 50)).isNotEqualTo(describe(chaos.plan(), 50));
        }
        assertThat(trace.entries()).allSatisfy(e -> assertThat(e.thread()).isEqualTo("device-chaos"));
    }

    @Test
    void writesUseEveryAllowedWidthAlignedAndStayInsideTheOffsetRange() {
        AccessTrace trace = new AccessTrace(1000);
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(5).offsets(64, 192).writeLimit(1000).trace(trace).build();
        runUntil(chaos, 1000);
        List<AccessTrace.Entry> entries = trace.entries();
        assertThat(entries).hasSize(1000).allSatisfy(e -> {
            assertThat(e.offset()).isBetween(64L, 192L - e.width().bytes());
            assertThat(e.offset() % e.width().bytes()).isZero();
            assertThat(e.value() & ~e.width().mask()).isZero();
        });
        assertThat(entries).extracting(AccessTrace.Entry::width).containsOnly(Width.values())
                .contains(Width.values());
        SysMem memory = shm.io("check");
        for (long o = 0; o < 64; o += 8) {
            assertThat(memory.read64(o)).as("untouched at 0x%x", o).isZero();
            assertThat(memory.read64(192 + o)).as("untouched at 0x%x", 192 + o).isZero();
        }
    }

    @Test
    void onlyTheChosenWidthsAreUsed() {
        AccessTrace trace = new AccessTrace(200);
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(6).widths(Width.U16).writeLimit(200).trace(trace).build();
        runUntil(chaos, 200);
        assertThat(trace.entries()).extracting(AccessTrace.Entry::width).containsOnly(Width.U16);
    }

    @Test
    void stuckBitsHoldAtEveryMomentWhileOtherBitsChange() {
        long ones = 0x0000_0000_0000_0101L;               // bit 0 of bytes 0 and 1 of every 8-byte word
        long zeros = 0x8000_0000_0000_0080L;              // bit 7 of bytes 0 and 7
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(7).writeLimit(20_000).stuckBits(ones, zeros).build();
        SysMem reader = shm.io("reader");
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean readerDone = new AtomicBoolean();
        try (DeviceRunner runner = new DeviceRunner().start(chaos)) {
            // from the moment the first write is seen, every word must show the stuck bits
            soon().until(() -> chaos.writes() > 0);
            long deadline = System.nanoTime() + Awaits.DEADLINE.toNanos();
            Thread.ofPlatform().daemon(true).start(() -> {
                while (chaos.writes() < 20_000 && System.nanoTime() - deadline < 0) {
                    for (long o = 0; o < 256; o += 8) {
                        long word = reader.read64(o);
                        if ((word & ones) != ones || (word & zeros) != 0) {
                            violations.add(String.format("0x%x: 0x%016x", o, word));
                        }
                    }
                }
                readerDone.set(true);
            });
            soon().untilTrue(readerDone);
            assertThat(chaos.writes()).isEqualTo(20_000);
            runner.checkHealthy();
        }
        assertThat(violations).isEmpty();

        // the control: the same seed without stuck bits writes both values into those bits
        Set<Long> seenAtBit0 = new HashSet<>();
        ChaosPlan free = ChaosDevice.builder("free", shm).seed(7).build().plan();
        for (int i = 0; i < 1000; i++) {
            ChaosWrite w = free.next();
            if (w.offset() % 8 == 0) {
                seenAtBit0.add(w.value() & 1);
            }
        }
        assertThat(seenAtBit0).containsExactlyInAnyOrder(0L, 1L);
    }

    @Test
    void delayAndJitterSpaceTheWritesAsPlanned() {
        Duration delay = Duration.ofMillis(2);
        Duration jitter = Duration.ofMillis(3);
        AccessTrace trace = new AccessTrace(100);
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(8).delay(delay, jitter).writeLimit(20).trace(trace).build();
        runUntil(chaos, 20);

        ChaosPlan plan = chaos.plan();
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pauses.add(plan.next().pauseNanos());
        }
        assertThat(pauses).allSatisfy(p -> assertThat(p).isBetween(delay.toNanos(), delay.plus(jitter).toNanos() - 1));
        assertThat(new HashSet<>(pauses)).hasSizeGreaterThan(1);                // jitter: not all the same
        List<AccessTrace.Entry> entries = trace.entries();
        for (int i = 1; i < 20; i++) {
            long interval = entries.get(i).nanos() - entries.get(i - 1).nanos();
            assertThat(interval).as("write %d came at least its pause after write %d", i, i - 1)
                    .isGreaterThanOrEqualTo(pauses.get(i));
        }
    }

    @Test
    void tearingLetsAReaderSeeTheNewLowHalfBesideTheOldHighHalf() {
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(9).widths(Width.U64).offsets(0, 8)
                .tearing(FOREVER_FOR_A_TEST).writeLimit(1).build();
        long planned = chaos.plan().next().value();
        assertThat(planned >>> 32).as("this seed's first value has a non-zero high half").isNotZero();
        SysMem reader = shm.io("reader");
        try (DeviceRunner runner = new DeviceRunner().start(chaos)) {
            soon().until(() -> reader.read64(0) != 0);
            assertThat(reader.read64(0)).isEqualTo(planned & 0xffff_ffffL);   // torn: high half still the old 0
            assertThat(chaos.writes()).isZero();
        }                                                                       // the stop cuts the gap short

        try (SharedMemory other = SharedMemory.anonymous(8)) {
            ChaosDevice brief = ChaosDevice.builder("brief", other).seed(9).widths(Width.U64)
                    .tearing(Duration.ofMillis(1)).writeLimit(1).build();
            runUntil(brief, 1);
            assertThat(other.io("reader").read64(0)).isEqualTo(planned);       // both halves, in the end
        }
    }

    @Test
    void withoutTearingAReaderNeverSeesAHalfWrittenValue() {
        int count = 2_000;
        // Paced, so that the reader below overlaps the writes instead of arriving after the last one.
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(10).widths(Width.U64).offsets(0, 8)
                .delay(Duration.ofNanos(20_000), Duration.ZERO).writeLimit(count).build();
        Set<Long> possible = new HashSet<>(List.of(0L));
        ChaosPlan plan = chaos.plan();
        for (int i = 0; i < count; i++) {
            possible.add(plan.next().value());
        }
        SysMem reader = shm.io("reader");
        Set<Long> impossible = new HashSet<>();
        long reads = 0;
        long deadline = System.nanoTime() + Awaits.DEADLINE.toNanos();
        try (DeviceRunner runner = new DeviceRunner().start(chaos)) {
            while (chaos.writes() < count && System.nanoTime() - deadline < 0) {
                long before = chaos.writes();
                long v = reader.read64(0);
                if (before > 0 && chaos.writes() < count) {
                    reads++;                  // a read made while the device was writing
                }
                if (!possible.contains(v)) {
                    impossible.add(v);
                }
            }
        }
        assertThat(chaos.writes()).isEqualTo(count);
        assertThat(reads).as("reads that raced the device's writes").isPositive();
        assertThat(impossible).isEmpty();
    }

    @Test
    void surpriseRemovalGivesTheDriverAClearErrorNamingItsRegion() {
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(11).removeAfter(50).build();
        SysMem driverView = shm.io("chaos-bar0");
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        try (DeviceRunner runner = new DeviceRunner().start(chaos)) {
            soon().until(() -> {
                try {
                    driverView.read32(0x10);
                    return false;
                } catch (RuntimeException e) {
                    error.set(e);
                    return true;
                }
            });
            soon().until(() -> !runner.isRunning("chaos"));
            runner.checkHealthy();                                              // removal is not a device failure
        }
        assertThat(error.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region 'chaos-bar0'").hasMessageContaining("u32 read at offset 0x10")
                .hasMessageContaining("closed");
        assertThat(chaos.isRemoved()).isTrue();
        assertThat(chaos.writes()).isEqualTo(50);
        assertThat(shm.isOpen()).isFalse();
        assertThatThrownBy(() -> driverView.write64(0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void removalOnDemandCutsAPauseShort() {
        ChaosDevice chaos = ChaosDevice.builder("chaos", shm).seed(12).delay(FOREVER_FOR_A_TEST, Duration.ZERO).build();
        SysMem driverView = shm.io("bar");
        try (DeviceRunner runner = new DeviceRunner().start(chaos)) {
            assertThat(driverView.read64(0)).isZero();
            chaos.remove();
            soon().until(chaos::isRemoved);
            assertThatThrownBy(() -> driverView.read64(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("region 'bar'");
        }
        assertThat(chaos.writes()).isZero();
    }

    @Test
    void badOptionsAreRefusedClearly() {
        assertThatThrownBy(() -> ChaosDevice.builder("c", shm).stuckBits(0x3, 0x2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x2 cannot be stuck at both");
        assertThatThrownBy(() -> ChaosDevice.builder("c", shm).offsets(0, 512).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside its 256-byte region");
        assertThatThrownBy(() -> ChaosDevice.builder("c", shm).offsets(4, 12).widths(Width.U64).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no aligned u64 slot");
        assertThatThrownBy(() -> ChaosDevice.builder("c", shm).widths()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosDevice.builder("c", shm).delay(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
        assertThat(EnumSet.allOf(Width.class)).hasSize(4);
    }
}
