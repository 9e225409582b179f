package dev.sysmem.sim.remote;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.sim.chaos.ChaosDevice;
import dev.sysmem.sim.chaos.ChaosPlan;
import dev.sysmem.sim.chaos.ChaosWrite;
import dev.sysmem.sim.junit.SimulatedDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static dev.sysmem.sim.Awaits.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code chaos} kind: its command-line options reach the device; a removal ends it without harming the header. */
class ChaosKindTest {

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    @Test
    @SimulatedDevice(value = "chaos", options = {"--seed", "7", "--widths", "32", "--offsets", "0x100:0x200",
            "--stuck-ones", "0x1", "--write-limit", "50"})
    void theOptionsConfigureTheDevice(ChaosDevice chaos, SysMem region) {
        assertThat(chaos.seed()).isEqualTo(7);
        soon().until(() -> chaos.writes() == 50);
        ChaosPlan plan = chaos.plan();
        for (int i = 0; i < 50; i++) {
            ChaosWrite write = plan.next();
            assertThat(write.width()).isEqualTo(Width.U32);
            assertThat(write.offset()).isBetween(0x100L, 0x200L - 4);
        }
        for (long offset = 0; offset < region.size(); offset += 8) {
            long word = region.read64(offset);
            if (offset < 0x100 || offset >= 0x200) {
                assertThat(word).as("untouched word at 0x%x", offset).isZero();
            } else {
                assertThat(word & 1).as("stuck bit 0 of the word at 0x%x", offset).isEqualTo(1);
            }
        }
    }

    @Test
    void badChaosOptionsAreRefused() {
        assertThatThrownBy(() -> new picocli.CommandLine(picocli.CommandLine.Model.CommandSpec.forAnnotatedObjectLenient(
                new ChaosKind())).parseArgs("--widths", "12")).hasMessageContaining("'12' is not a width");
        ChaosKind kind = new ChaosKind();
        new picocli.CommandLine(kind).parseArgs("--offsets", "0x200:0x100");
        try (SharedMemory memory = SharedMemory.anonymous(4096)) {
            assertThatThrownBy(() -> kind.build(new DeviceKind.Setup("chaos", memory, 0, 4096, java.util.Optional.empty())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--offsets 0x200:0x100 is not a range inside the 4096-byte region");
        }
    }

    @Test
    void aRemovalEndsTheHostedDeviceButLeavesTheHeaderToSaySo() throws IOException, InterruptedException {
        Path path = files.next("chaos");
        ChaosKind kind = new ChaosKind();
        new picocli.CommandLine(kind).parseArgs("--seed", "3", "--remove-after", "20");
        try (SharedMemory file = SharedMemory.create(path, RemoteLayout.fileSize(4096));
             RemoteDeviceHost host = RemoteDeviceHost.builder(file, kind).heartbeatPeriod(Duration.ofMillis(10)).start();
             RemoteDevice device = connectOrStopped(path)) {
            assertThat(host.ended()).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(RemoteState.STOPPED);
            assertThat(((ChaosDevice) host.device()).isRemoved()).isTrue();
            assertThat(host.activity()).isEqualTo("20 writes, seed 3, removed");
            assertThat(file.io().read64(RemoteLayout.MAGIC.offset())).isEqualTo(RemoteLayout.MAGIC_VALUE);
            if (device != null) {
                assertThatThrownBy(device::checkAlive).isInstanceOf(RemoteDeviceDiedException.class)
                        .hasMessageContaining("it was stopped");
            }
        }
    }

    /** The device may be removed before the driver connects: then the connection reports it stopped. */
    private static RemoteDevice connectOrStopped(Path path) throws IOException, InterruptedException {
        try {
            return RemoteDevice.connect(path, "chaos", Duration.ofSeconds(20));
        } catch (RemoteDeviceDiedException e) {
            assertThat(e.state()).isEqualTo(RemoteState.STOPPED);
            return null;
        }
    }
}
