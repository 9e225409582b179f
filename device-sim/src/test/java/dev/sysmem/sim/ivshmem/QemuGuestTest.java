package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Linux guest under QEMU (TCG) and this JVM share one segment through QEMU's ivshmem
 * device. The guest side is scripts/qemu/guest-init.sh, driving BAR2 and BAR0 with busybox
 * {@code devmem}; offsets here are the ones documented there.
 *
 * <p>Skipped with a message when scripts/qemu/setup.sh has not prepared the guest, except under
 * {@code CI=true}, where these tests must run.
 */
class QemuGuestTest {

    /**
     * Boot (about 8 s under TCG on an idle machine) plus the protocol, with room for a 2-core
     * machine loaded by a parallel build; a passing run takes far less.
     */
    private static final Duration GUEST_DEADLINE = Duration.ofSeconds(90);
    private static final String GUEST_TIMEOUT = "sysmem.timeout=80";

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

    private static void awaitValue(SysMem shm, long offset, int expected, String what) {
        await(what).atMost(GUEST_DEADLINE).pollInterval(Duration.ofMillis(20))
                .until(() -> shm.read32(offset) == expected);
    }

    @Test
    void guest_and_host_see_each_others_writes_at_every_width(TestInfo test) throws Exception {
        long seed = System.nanoTime();
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        int u8 = random.nextInt(1, 0x100);
        int u16 = random.nextInt(1, 0x10000);
        int u32 = random.nextInt();
        long u64 = random.nextLong();

        try (SharedMemory shared = SharedMemory.create(dir.resolve("plain"), 1 << 20);
             QemuGuest guest = QemuGuest.boot(image, Ivshmem.plainOptions(shared, "hostmem"), "widths", GUEST_TIMEOUT,
                     consoleLog(test))) {
            SysMem shm = shared.io("ivshmem-plain BAR2");
            guest.verify(() -> {
                awaitValue(shm, 0x00, 1, "the guest to find its ivshmem device");
                shm.write8(0x10, u8);
                shm.write16(0x12, u16);
                shm.write32(0x14, u32);
                shm.write64(0x18, u64);
                shm.write8(0x21, 0x5a);
                shm.write32(0x04, 1);
                awaitValue(shm, 0x00, 2, "the guest to answer at every width");

                String values = " (seed " + seed + ")";
                assertThat(shm.read8(0x20)).as("u8 the guest wrote" + values).isEqualTo(~u8 & 0xff);
                assertThat(shm.read8(0x21)).as("the byte between the guest's u8 and u16 writes").isEqualTo(0x5a);
                assertThat(shm.read16(0x22)).as("u16 the guest wrote" + values).isEqualTo(~u16 & 0xffff);
                assertThat(shm.read32(0x24)).as("u32 the guest wrote" + values).isEqualTo(~u32);
                assertThat(shm.read64(0x28)).as("u64 the guest wrote" + values).isEqualTo(~u64);
                assertThat(shm.read64(0x30)).as("nothing written past the u64").isZero();
                assertThat(guest.console()).contains(String.format("u64 read 0x%016X at 0x18", u64));
                assertThat(guest.awaitExit(GUEST_DEADLINE)).as("QEMU's exit value").isZero();
                assertThat(guest.console()).contains("sysmem-guest: EXIT 0");
            });
        }
    }

    @Test
    void a_guest_doorbell_wakes_the_device_thread_and_the_device_interrupts_the_guest(TestInfo test) throws Exception {
        int vectors = 2;
        int messageData = 0x5eed0000 | (int) (System.nanoTime() & 0xffff);
        try (SharedMemory shared = SharedMemory.create(dir.resolve("doorbell"), 1 << 20);
             IvshmemServer server = IvshmemServer.start(dir.resolve("ivshmem.sock"), shared, vectors);
             IvshmemPeer device = server.addPeer();
             QemuGuest guest = QemuGuest.boot(image, Ivshmem.doorbellOptions(server.socket(), vectors, "ivs"),
                     "doorbell", GUEST_TIMEOUT, consoleLog(test))) {
            SysMem shm = shared.io("ivshmem-doorbell BAR2");
            guest.verify(() -> {
                await("QEMU to connect to the server").atMost(GUEST_DEADLINE)
                        .until(() -> !server.clientIds().isEmpty());
                int guestId = server.clientIds().iterator().next();
                assertThat(guestId).isNotEqualTo(device.id());

                awaitValue(shm, 0x00, 1, "the guest to read IVPosition");
                assertThat(shm.read32(0x08)).as("IVPosition in the guest").isEqualTo(guestId);

                // The device thread sleeps in poll(2) on its eventfds until the guest's Doorbell writes.
                CompletableFuture<long[]> woken = CompletableFuture.supplyAsync(() -> {
                    try {
                        long deadline = System.nanoTime() + GUEST_DEADLINE.toNanos();
                        while (device.rings(0) < 1 || device.rings(1) < 2) {
                            if (device.await(Duration.ofNanos(deadline - System.nanoTime())) == 0) {
                                break;
                            }
                        }
                        return new long[] {device.rings(0), device.rings(1)};
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofPlatform().name("device-ivshmem").start(r));
                shm.write32(0x0c, device.id());
                shm.write32(0x10, messageData);
                shm.write32(0x04, 1);
                assertThat(woken.get(GUEST_DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                        .as("rings of vectors 0 and 1 the device thread saw").containsExactly(1, 2);

                awaitValue(shm, 0x00, 3, "the guest to enable MSI-X");
                assertThat(device.ring(guestId, 0)).isTrue();
                awaitValue(shm, 0x100, messageData, "QEMU to deliver MSI-X vector 0 as a write to BAR2+0x100");
                // Vector 1 is masked in the guest, so QEMU only sets its pending bit, which the guest polls.
                assertThat(device.ring(guestId, 1)).isTrue();
                shm.write32(0x04, 2);
                awaitValue(shm, 0x00, 4, "the guest to read the pending bits");
                assertThat(shm.read32(0x18) & 0b11).as("MSI-X pending bits in the guest: vector 1 only").isEqualTo(0b10);
                assertThat(guest.awaitExit(GUEST_DEADLINE)).as("QEMU's exit value").isZero();
                await("the server to see QEMU go").atMost(GUEST_DEADLINE).until(() -> server.clientIds().isEmpty());
                assertThat(device.ring(guestId, 0)).as("ringing a guest that left").isFalse();
            });
        }
    }

    @Test
    void a_guest_drives_mailbox_commands_to_completion_against_the_device_thread(TestInfo test) throws Exception {
        int commands = 20;
        long mailboxSize = 0x10000;
        long control = 0x10000;
        try (SharedMemory shared = SharedMemory.create(dir.resolve("mailbox"), 1 << 20);
             IvshmemServer server = IvshmemServer.start(dir.resolve("ivshmem.sock"), shared, 1);
             IvshmemPeer peer = server.addPeer()) {
            SysMem shm = shared.io("ivshmem-doorbell BAR2");
            MailboxDevice mailbox = MailboxDevice.builder("mbox", shm.slice(0, mailboxSize)).doorbell().build();
            IvshmemLink link = IvshmemLink.between(peer, 0, mailbox.doorbell().orElseThrow())
                    .interruptingOn(mailbox.completion(), 0);
            try (DeviceRunner runner = new DeviceRunner().start(mailbox).start(link);
                 QemuGuest guest = QemuGuest.boot(image, Ivshmem.doorbellOptions(server.socket(), 1, "ivs"), "mailbox",
                         GUEST_TIMEOUT + " sysmem.commands=" + commands + " sysmem.peer=" + peer.id(), consoleLog(test))) {
                guest.verify(() -> {
                    awaitValue(shm, control, 2, "the guest to finish its mailbox commands");
                    runner.checkHealthy();
                    assertThat(shm.read32(control + 4)).as("commands the guest found correct").isEqualTo(commands);
                    for (int i = 1; i <= commands; i++) {
                        long a0 = (long) i << 40 | i * 12345L;
                        long a1 = -(i * 1000003L);
                        long expected = i % 3 == 0 ? a0 : a0 + a1;
                        assertThat(shm.read64(control + 0x100 + 8L * (i - 1))).as("RESULT of command " + i).isEqualTo(expected);
                    }
                    CRC32 crc = new CRC32();
                    for (int k = 0; k < 32; k++) {
                        int expectedByte = (k * 37 + 11) & 0xff;
                        assertThat(shm.read8(MailboxLayout.DATA_OFFSET + k)).as("DATA byte " + k + " the guest wrote").isEqualTo(expectedByte);
                        crc.update(expectedByte);
                    }
                    assertThat(shm.read64(control + 8)).as("CRC32 the device computed for the guest").isEqualTo(crc.getValue());
                    assertThat(mailbox.served()).isEqualTo(commands + 1);
                    assertThat(peer.rings(0)).as("doorbell rings that reached the device's eventfd")
                            .isBetween(1L, commands + 1L);
                    assertThat(mailbox.completion().raiseCount()).isEqualTo(commands + 1);
                    assertThat(guest.awaitExit(GUEST_DEADLINE)).as("QEMU's exit value").isZero();
                    assertThat(guest.console()).contains("sysmem-guest: PASS mailbox");
                });
            }
        }
    }
}
