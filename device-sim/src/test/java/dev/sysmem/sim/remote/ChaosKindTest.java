package dev.sysmem.sim.remote;

import dev.sysmem.testing.ShmFiles;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.sim.chaos.ChaosDevice;
import dev.sysmem.sim.chaos.ChaosPlan;
import dev.sysmem.sim.chaos.ChaosWrite;
import dev.sysmem.sim.DeviceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.sysmem.testing.Awaits.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code chaos} kind: its options reach the device, bad ones are refused; a removal ends it without harming the header. */
class ChaosKindTest {

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    @Test
    void badChaosOptionsAreRefusedBeforeAnyDeviceIsBuilt() {
        assertThatThrownBy(() -> ChaosKind.Options.builder().widths().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chaos options need at least one width");
        assertThatThrownBy(() -> ChaosKind.Options.builder().stuckBits(0x3, 0x6).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chaos options: bits 0x2 cannot be stuck at both 1 and 0");
        assertThatThrownBy(() -> ChaosKind.Options.builder().offsets(0x200, 0x100).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chaos offsets [0x200, 0x100) are not a range: FROM must be at least 0 and below TO");
        assertThatThrownBy(() -> ChaosKind.Options.builder().delay(Duration.ofMillis(-1), Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chaos options: delay must not be negative, was PT-0.001S");
        assertThatThrownBy(() -> ChaosKind.Options.builder().removeAfter(-2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chaos options: removal point must not be negative, was -2");
    }

    @Test
    void offsetsOutsideTheRegionAreRefusedWhenTheDeviceIsBuilt() {
        ChaosKind kind = new ChaosKind(ChaosKind.Options.builder().offsets(0x100, 0x1008).build());
        try (SharedMemory memory = SharedMemory.anonymous(4096)) {
            assertThatThrownBy(() -> kind.build(new DeviceKind.Setup("chaos", memory, 0, 4096, Optional.empty())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("chaos offsets [0x100, 0x1008) are not inside the 4096-byte region");
        }
    }

    @Test
    void aRegionThatIsNotAMappingIsRefusedSinceRemovalClosesTheMapping() {
        try (SharedMemory memory = SharedMemory.anonymous(4096)) {
            DeviceKind.Setup view = DeviceKind.Setup.over("chaos", memory.io("plain"), Optional.empty());
            assertThatThrownBy(() -> new ChaosKind().build(view))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("device 'chaos': a chaos device needs shared memory it can close (surprise removal), "
                            + "and memory 'plain' is not one");
        }
    }

    @Test
    void theOptionsConfigureTheDevice() {
        ChaosKind kind = new ChaosKind(ChaosKind.Options.builder().seed(7).widths(Width.U32).offsets(0x100, 0x200)
                .stuckBits(0x1, 0).writeLimit(50).build());
        try (SharedMemory memory = SharedMemory.anonymous(4096);
             DeviceRunner runner = new DeviceRunner()) {
            ChaosDevice chaos = (ChaosDevice) kind.build(new DeviceKind.Setup("chaos", memory, 0, 4096,
                    Optional.empty())).device();
            runner.start(chaos);
            assertThat(chaos.seed()).isEqualTo(7);
            soon().until(() -> chaos.writes() == 50);
            ChaosPlan plan = chaos.plan();
            for (int i = 0; i < 50; i++) {
                ChaosWrite write = plan.next();
                assertThat(write.width()).isEqualTo(Width.U32);
                assertThat(write.offset()).isBetween(0x100L, 0x200L - 4);
            }
            SysMem region = memory.io();
            for (long offset = 0; offset < region.size(); offset += 8) {
                long word = region.read64(offset);
                if (offset < 0x100 || offset >= 0x200) {
                    assertThat(word).as("untouched word at 0x%x", offset).isZero();
                } else {
                    assertThat(word & 1).as("stuck bit 0 of the word at 0x%x", offset).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aRemovalEndsTheHostedDeviceButLeavesTheHeaderToSaySo() throws IOException, InterruptedException {
        Path path = files.next("chaos");
        ChaosKind kind = new ChaosKind(ChaosKind.Options.builder().seed(3).removeAfter(20).build());
        try (SharedMemory file = SharedMemory.create(path, RemoteLayout.fileSize(4096));
             RemoteDeviceHost host = RemoteDeviceHost.builder(file, kind).heartbeatPeriod(Duration.ofMillis(10)).start();
             RemoteDevice device = connectOrStopped(path)) {
            assertThat(host.ended()).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(RemoteState.REMOVED);
            assertThat(((ChaosDevice) host.device()).isRemoved()).isTrue();
            assertThat(host.activity()).isEqualTo("20 writes, seed 3, removed");
            assertThat(file.io().read64(RemoteLayout.MAGIC.offset())).isEqualTo(RemoteLayout.MAGIC_VALUE);
            if (device != null) {
                assertThatThrownBy(device::checkAlive).isInstanceOf(RemoteDeviceDiedException.class)
                        .hasMessageContaining("it was removed");
            }
        }
    }

    /** The device may be removed before the driver connects: then the connection reports it removed. */
    private static RemoteDevice connectOrStopped(Path path) throws IOException, InterruptedException {
        try {
            return RemoteDevice.connect(path, "chaos", Duration.ofSeconds(20));
        } catch (RemoteDeviceDiedException e) {
            assertThat(e.state()).isEqualTo(RemoteState.REMOVED);
            return null;
        }
    }
}
