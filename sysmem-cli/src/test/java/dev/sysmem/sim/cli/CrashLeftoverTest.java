package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.RemoteDevice;
import dev.sysmem.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static dev.sysmem.testing.Awaits.soon;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a device process killed with SIGKILL leaves behind: {@code run --create} takes its file
 * over (and says so) but refuses a file whose device still runs; {@code clean} removes the dead
 * one's file and keeps the live one's.
 */
class CrashLeftoverTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static ChildJvm startDevice(Path file) throws IOException, InterruptedException {
        ChildJvm child = ChildJvm.start(SysmemSim.class, "run", "mailbox", "--file", file.toString(), "--create",
                "--no-status");
        try (RemoteDevice device = RemoteDevice.connect(file, "mailbox", DEADLINE)) {
            assertThat(device.pid()).isEqualTo(child.pid());
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
        return child;
    }

    private static void killAndWait(ChildJvm child) {
        child.kill();
        soon().until(() -> !child.isAlive());
    }

    @Test
    void runCreateTakesOverADeadDevicesFileAndRefusesALiveOnes() throws Exception {
        Path dead = dir.resolve("dead");
        Path live = dir.resolve("live");
        try (ChildJvm killed = startDevice(dead); ChildJvm running = startDevice(live)) {
            killAndWait(killed);
            assertThat(dead).exists();

            SysmemSimTest.Run refused = SysmemSimTest.execute("run", "mailbox", "--file", live.toString(), "--create",
                    "--duration", "1s", "--no-status");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains(live + ": is in use by a running mailbox device (pid " + running.pid() + ")");

            SysmemSimTest.Run takeover = SysmemSimTest.execute("run", "mailbox", "--file", dead.toString(), "--create",
                    "--duration", "200ms", "--no-status");
            assertThat(takeover.exitCode()).as(takeover.err()).isZero();
            assertThat(takeover.out()).contains("taking over " + dead + ": its mailbox device's process "
                    + killed.pid()).contains("is gone");
            assertThat(dead).as("removed on exit, as --create without --keep does").doesNotExist();
        }
    }

    @Test
    void cleanRemovesTheDeadDevicesFileAndKeepsTheLiveOnes() throws Exception {
        Path dead = dir.resolve("dead");
        Path live = dir.resolve("live");
        try (ChildJvm killed = startDevice(dead); ChildJvm running = startDevice(live)) {
            killAndWait(killed);

            SysmemSimTest.Run dryRun = SysmemSimTest.execute("clean", "--dir", dir.toString(), "--dry-run");
            assertThat(dryRun.exitCode()).isZero();
            assertThat(dryRun.out()).contains("would remove: " + dead + ": mailbox READY, owner pid " + killed.pid()
                    + " (dead").contains("kept: " + live + ": mailbox READY, owner pid " + running.pid() + " (running)");
            assertThat(dead).exists();

            SysmemSimTest.Run clean = SysmemSimTest.execute("clean", "--dir", dir.toString());
            assertThat(clean.exitCode()).isZero();
            assertThat(clean.out()).contains("removed: " + dead).contains("2 device files in " + dir + ", 1 removed");
            assertThat(dead).doesNotExist();
            assertThat(live).exists();
        }
    }
}
