package dev.sysmem.sim.cli;

import dev.sysmem.cli.Sysmem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code sysmem-sim serve vhost-user-blk}: an owner-only socket while it runs, bad options refused, clean exit. */
class VhostUserBlkServeCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs {@code sysmem sim ARGS} as the launcher would, with only the {@code sim} command. */
    private int sim(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "sim";
        System.arraycopy(args, 0, argv, 1, args.length);
        CommandLine cli = Sysmem.commandLine(List.of(new SimCommand()), argv)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cli.execute(argv);
    }

    @Test
    void serves_on_an_owner_only_socket_for_its_duration_then_removes_it() throws Exception {
        Path socket = dir.resolve("blk.sock");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> sim(
                "serve", "vhost-user-blk", "--socket", socket.toString(), "--size", "1M", "--duration", "2s"));
        await().atMost(Duration.ofSeconds(20)).until(() -> out.toString().contains("QEMU options:") || exit.isDone());
        assertThat(out.toString()).contains("vhost-user-blk on " + socket + ": 1048576 bytes (2048 sectors)")
                .contains("-device vhost-user-blk-pci,chardev=vu0,num-queues=1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(Files.list(dir)).as("no staging directory is left beside the socket").containsExactly(socket);
        assertThat(exit.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("stopping; 0 request(s) served over 0 connection(s)");
        assertThat(socket).doesNotExist();
    }

    @Test
    void a_size_that_is_not_whole_sectors_is_a_usage_error() {
        int exit = sim("serve", "vhost-user-blk", "--socket", dir.resolve("s.sock").toString(), "--size", "1000");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--size must be a multiple of 512 bytes, was 1000");
        assertThat(dir.resolve("s.sock")).doesNotExist();
    }

    @Test
    void an_existing_socket_path_is_refused() throws Exception {
        Path taken = Files.writeString(dir.resolve("taken"), "precious");
        int exit = sim("serve", "vhost-user-blk", "--socket", taken.toString(), "--duration", "1s");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains(taken + " already exists");
        assertThat(Files.readString(taken)).isEqualTo("precious");
    }

    @Test
    void serve_without_a_subcommand_still_requires_its_own_options() {
        int exit = sim("serve", "--size", "1M");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--socket=PATH'");
    }
}
