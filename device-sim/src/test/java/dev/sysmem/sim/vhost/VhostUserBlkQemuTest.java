package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.QemuGuest;
import dev.sysmem.testing.ChildJvm;
import dev.sysmem.sim.virtio.RamDisk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Linux's own virtio-blk driver, in a guest under QEMU (TCG), against this JVM's vhost-user
 * back-end: QEMU's {@code vhost-user-blk-pci} hands the guest's memory and the ring eventfds to
 * {@link VhostUserBlkServer}, and the guest's block I/O then goes straight through shared rings to
 * the {@link RamDisk}. The guest side is {@code sysmem.run=blk} of scripts/qemu/guest-init.sh.
 *
 * <p>Skipped with a message when scripts/qemu/setup.sh has not prepared the guest, except under
 * {@code CI=true}, where these tests must run. Every wait is bounded and QEMU is always killed.
 */
class VhostUserBlkQemuTest {

    /** The disk: 8 MiB, the pattern over all of it, two writers on the second half. */
    private static final long DISK_BYTES = 8L << 20;
    /**
     * Boot (about 8 s under TCG on an idle machine), the pattern and 4 s of readers and writers,
     * with room for a 2-core machine loaded by parallel builds; a passing run takes far less.
     */
    private static final Duration GUEST_DEADLINE = Duration.ofSeconds(420);
    private static final String GUEST_ARGUMENTS = "sysmem.seconds=4 sysmem.timeout=400";
    /** Bit 29 in the guest's /sys/block/vda/device/features string (one character per bit, bit 0 first). */
    private static final int EVENT_IDX = 29;

    private QemuGuest.Image image;

    @TempDir
    Path dir;

    @BeforeEach
    void findGuest() {
        image = QemuGuest.image();
    }

    private static Path consoleLog(TestInfo test) {
        return Path.of("target", "qemu", test.getTestMethod().orElseThrow().getName() + ".log").toAbsolutePath();
    }

    /** QEMU options for a vhost-user-blk device on {@code socket}, the guest's RAM shareable (memfd). */
    static List<String> vhostUserBlkOptions(Path socket) {
        return List.of("-machine", "memory-backend=guest-ram",
                "-object", "memory-backend-memfd,id=guest-ram,size=256M,share=on",
                "-chardev", "socket,id=vhost-blk,path=" + socket,
                "-device", "vhost-user-blk-pci,chardev=vhost-blk,num-queues=1");
    }

    /** Waits until the console shows {@code text}, or QEMU exits; the console either way. */
    private static String awaitConsole(QemuGuest guest, String text, Duration deadline) {
        await("the guest console to show '" + text.strip() + "'").atMost(deadline).pollInterval(Duration.ofMillis(200))
                .until(() -> guest.console().contains(text) || !guest.isAlive());
        String console = guest.console();
        assertThat(console).as("QEMU exited before the console showed '%s'", text.strip()).contains(text);
        return console;
    }

    private static String field(String console, String regex) {
        Matcher m = Pattern.compile(regex).matcher(console);
        assertThat(m.find()).as("the console has a line matching %s", regex).isTrue();
        return m.group(1);
    }

    private static String md5(MemorySegment bytes) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(bytes.asByteBuffer());
        return HexFormat.of().formatHex(md5.digest());
    }

    @Test
    void a_linux_guest_writes_reads_and_races_on_the_ram_disk_through_vhost_user(TestInfo test) throws Exception {
        RamDisk disk = RamDisk.create(DISK_BYTES / RamDisk.SECTOR_SIZE, "sysmem-vhost-e2e", false);
        Path socket = dir.resolve("blk.sock");
        try (VhostUserBlkServer server = VhostUserBlkServer.start(socket, disk);
             QemuGuest guest = QemuGuest.boot(image, vhostUserBlkOptions(socket), "blk", GUEST_ARGUMENTS,
                     consoleLog(test))) {
            guest.verify(() -> {
                String console = awaitConsole(guest, "sysmem-guest: EXIT ", GUEST_DEADLINE);
                assertThat(console).contains("sysmem-guest: PASS blk").contains("sysmem-guest: EXIT 0");
                assertThat(guest.awaitExit(Duration.ofSeconds(60))).as("QEMU's exit code after the guest powered off")
                        .isZero();
                String features = field(console, "features ([01]{64})");
                assertThat(features.charAt(EVENT_IDX)).as("VIRTIO_F_EVENT_IDX negotiated by the guest").isEqualTo('1');
                assertThat(field(console, "serial '([^']*)'")).isEqualTo("sysmem-vhost-e2e");
                // The guest's own check compared what it read with what it wrote; the host now checks
                // the disk's bytes themselves against the digest of what the guest wrote last.
                String written = field(console, "sysmem-guest: DISK ([0-9a-f]{32})");
                assertThat(md5(disk.contents())).as("MD5 of the RAM disk's %d bytes", DISK_BYTES).isEqualTo(written);
                // At least the pattern, written and read back in 4 KiB-and-larger requests, went through the rings.
                assertThat(server.chainsServed()).isGreaterThan(2 * DISK_BYTES / (128 << 10));
                System.out.printf("vhost-user-blk end to end: %d requests served; %s%n", server.chainsServed(),
                        field(console, "sysmem-guest: (stress: [^\\n]*)"));
            });
        }
    }

    @Test
    void killing_the_back_end_mid_io_leaves_qemu_to_be_stopped_cleanly(TestInfo test) throws Exception {
        Path socket = dir.resolve("killed.sock");
        try (ChildJvm backend = ChildJvm.start(VhostUserBlkProcess.class, socket.toString(), Long.toString(DISK_BYTES))) {
            await("the back-end's socket").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(socket) || !backend.isAlive());
            assertThat(backend.isAlive()).as("the back-end runs; its output: %s", backend.output()).isTrue();
            // The readers and writers run for far longer than the test waits: every moment after the
            // pattern was checked is in the middle of I/O.
            try (QemuGuest guest = QemuGuest.boot(image, vhostUserBlkOptions(socket), "blk",
                    "sysmem.seconds=600 sysmem.timeout=400", consoleLog(test))) {
                guest.verify(() -> {
                    String before = awaitConsole(guest, "sysmem-guest: PATTERN ", GUEST_DEADLINE);
                    backend.kill();
                    await("the back-end to die of SIGKILL").atMost(Duration.ofSeconds(30)).until(() -> !backend.isAlive());
                    String said = awaitConsole(guest, "ring restore failed", Duration.ofSeconds(60));
                    assertThat(said.indexOf("ring restore failed")).as("QEMU's report comes after the kill")
                            .isGreaterThan(before.indexOf("sysmem-guest: PATTERN "));
                    String qemuLine = field(said, "(qemu-system-x86_64: vhost VQ 0 ring restore failed[^\\n]*)");
                    assertThat(guest.isAlive()).as("QEMU survives its back-end's death").isTrue();
                    assertThat(guest.console()).doesNotContain("sysmem-guest: EXIT");
                    System.out.printf("vhost-user-blk killed mid-I/O: QEMU reported \"%s\" and stayed up; the guest's "
                            + "I/O cannot complete, so the test stops QEMU%n", qemuLine.strip());
                });
            }
        }
    }

}
