package dev.sysmem.sim.cli;

import dev.sysmem.sim.ivshmem.IvshmemClient;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.mailbox.MailboxLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code serve} command: a server a client can join, and bad options refused before anything listens. */
class IvshmemServeCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine command() {
        return new CommandLine(new IvshmemServeCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    @Test
    void serves_the_memory_with_a_device_peer_until_its_duration_ends_then_cleans_up() throws Exception {
        Path socket = dir.resolve("serve.sock");
        Path shm = dir.resolve("shm");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command().execute(
                "--socket", socket.toString(), "--shm", shm.toString(), "--size", "64K", "--vectors", "2", "--duration", "3s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("test guest:"));
        try (IvshmemClient guest = IvshmemClient.connect(socket, 2, Duration.ofSeconds(5))) {
            assertThat(guest.memory().size()).isEqualTo(64 * 1024);
            assertThat(guest.peerIds()).containsExactly(0);
            assertThat(guest.id()).isEqualTo(1);
            // Drive the mailbox as a guest would: request in the block, DOORBELL, then ring vector 0 of peer 0.
            SysMem mailbox = guest.memory();
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox.read32(MailboxLayout.DEVICE_STATE.offset()) == MailboxLayout.STATE_READY);
            mailbox.write32(MailboxLayout.COMMAND.offset(), MailboxLayout.CMD_ADD);
            mailbox.write64(MailboxLayout.ARG0.offset(), 40);
            mailbox.write64(MailboxLayout.ARG1.offset(), 2);
            mailbox.withMode(AccessMode.ACQUIRE_RELEASE).write32(MailboxLayout.DOORBELL.offset(), 1);
            assertThat(guest.ring(0, 0)).isTrue();
            assertThat(guest.await(Duration.ofSeconds(10))).as("the completion interrupt, vector 0").isEqualTo(1);
            assertThat(mailbox.withMode(AccessMode.ACQUIRE_RELEASE).read32(MailboxLayout.COMPLETED.offset())).isEqualTo(1);
            assertThat(mailbox.read64(MailboxLayout.RESULT.offset())).isEqualTo(42);
        }
        assertThat(exit.get(10, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("65536 bytes of " + shm)
                .contains("device peer 0")
                .contains("the mailbox served 1 request(s)")
                .contains("-device ivshmem-doorbell,chardev=ivshmem,vectors=2");
        assertThat(socket).doesNotExist();
        assertThat(shm).doesNotExist();
    }

    @Test
    void without_a_path_the_memory_is_a_sealed_memfd_the_guest_receives_by_descriptor() throws Exception {
        Path socket = dir.resolve("sealed.sock");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command().execute(
                "--socket", socket.toString(), "--size", "64K", "--duration", "2s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("test guest:"));
        try (IvshmemClient guest = IvshmemClient.connect(socket, 1, Duration.ofSeconds(5))) {
            SysMem mailbox = guest.memory();
            assertThat(mailbox.size()).isEqualTo(64 * 1024);
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox.read32(MailboxLayout.DEVICE_STATE.offset()) == MailboxLayout.STATE_READY);
        }
        assertThat(exit.get(10, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("65536 bytes of a sealed memfd");
    }

    @Test
    void a_size_that_is_not_a_power_of_two_is_refused_with_the_reason() {
        Path shm = dir.resolve("shm");
        int exit = command().execute("--socket", dir.resolve("s.sock").toString(), "--shm", shm.toString(), "--size", "3M");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--size is 3145728 bytes, but an ivshmem BAR2 must be a power of two");
        assertThat(shm).doesNotExist();
        assertThat(dir.resolve("s.sock")).doesNotExist();
    }

    @Test
    void an_existing_file_is_not_overwritten() throws Exception {
        Path shm = java.nio.file.Files.writeString(dir.resolve("taken"), "precious");
        int exit = command().execute("--socket", dir.resolve("s.sock").toString(), "--shm", shm.toString(), "--duration", "1s");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("already exists");
        assertThat(shm).hasContent("precious");
    }

    @Test
    void the_mailbox_needs_a_page_and_unknown_devices_are_refused() {
        assertThat(command().execute("--socket", "s", "--shm", dir.resolve("a").toString(), "--size", "1K")).isEqualTo(2);
        assertThat(err.toString()).contains("the mailbox needs at least 4096 bytes");
        assertThat(command().execute("--socket", "s", "--shm", dir.resolve("a").toString(), "--device", "edu")).isEqualTo(2);
        assertThat(err.toString()).contains("--device must be mailbox or none");
        assertThat(dir.resolve("a")).doesNotExist();
    }

    @Test
    void vectors_and_durations_are_checked() {
        assertThat(command().execute("--socket", "s", "--shm", dir.resolve("a").toString(), "--vectors", "65")).isEqualTo(2);
        assertThat(err.toString()).contains("--vectors must be 1..64");
        assertThat(command().execute("--socket", "s", "--shm", dir.resolve("b").toString(), "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration");
    }
}
