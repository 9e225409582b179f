package dev.sysmem.sim.cli;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.remote.DeviceKinds;
import dev.sysmem.sim.remote.RemoteLayout;
import dev.sysmem.sim.remote.RemoteState;
import dev.sysmem.testing.ShmFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.sysmem.cli.Sysmem;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line in this JVM: listing, usage errors and their exit codes, and short runs. */
class SysmemSimTest {

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void removeFiles() {
        files.deleteAll();
    }

    record Run(int exitCode, String out, String err) {
    }

    /** Runs {@code sysmem sim ARGS} as the launcher would, with only the {@code sim} command. */
    static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> argv = new ArrayList<>(List.of("sim"));
        argv.addAll(List.of(args));
        args = argv.toArray(String[]::new);
        CommandLine cli = Sysmem.commandLine(List.of(new SimCommand()), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void listShowsEveryKindOnALineOfItsOwn() {
        Run run = execute("list");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().toList()).hasSize(DeviceKinds.names().size())
                .anySatisfy(line -> assertThat(line).startsWith("mailbox     command mailbox in shared memory"))
                .anySatisfy(line -> assertThat(line).startsWith("chaos       random writes"))
                .anySatisfy(line -> assertThat(line).startsWith("virtio-blk  virtio-blk over a RAM disk behind "
                        + "virtio-mmio registers (VIRTIO 1.x 4.2.2)"));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void helpListsTheCommandsAndEachKindsOwnOptions() {
        Run top = execute("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("Usage: sysmem sim", "list", "run", "serve");
        Run kind = execute("run", "mailbox", "--help");
        assertThat(kind.exitCode()).isZero();
        assertThat(kind.out()).contains("Usage: sysmem sim run mailbox", "--file=FILE", "--create", "--duration",
                "--[no-]status", "--trace=N", "--doorbell");
        Run chaos = execute("run", "chaos", "--help");
        assertThat(chaos.exitCode()).isZero();
        assertThat(chaos.out()).contains("Usage: sysmem sim run chaos", "--file=FILE", "--seed=N", "--widths=W",
                "--offsets=FROM:TO", "--stuck-ones=MASK", "--tearing=GAP", "--remove-after=N").doesNotContain("--doorbell");
    }

    @ParameterizedTest(name = "sysmem sim {0}")
    @CsvSource(delimiter = '|', value = {
            "''                                                   | Missing command: list, run, serve or clean",
            "frobnicate                                           | Unmatched argument at index 1: 'frobnicate'",
            "run                                                  | Missing device kind: run KIND, one of [mailbox, chaos, virtio-blk]",
            "run nosuch --file /dev/shm/x                         | Unmatched arguments from index 2: 'nosuch'",
            "run mailbox                                          | Missing required option: '--file=FILE'",
            "run mailbox --file F --size 12Q                      | '12Q' is not a size",
            "run mailbox --file F --size 0                        | '0' is not a positive size",
            "run mailbox --file F --duration soon                 | 'soon' is not a duration",
            "run mailbox --file F --duration 0s                   | --duration must be positive, was 0",
            "run mailbox --file F --heartbeat -1s                | '-1s' is not a duration",
            "run mailbox --file F --doorbel                       | Unknown option: '--doorbel'",
            "run mailbox --file F --keep                          | --keep only applies to a file made with --create",
            "run mailbox --file F --trace -1                      | --trace must not be negative, was -1",
            "run mailbox --file F --create --size 4K              | --size 4096 is too small for a mailbox device: the file needs at least 8192 bytes",
            "run mailbox --bogus                                  | Unknown option: '--bogus'",
            "run mailbox --file F --bogus                         | Unknown option: '--bogus'",
            "run chaos --file F --widths 12                       | '12' is not a width: use 8, 16, 32 or 64",
            "run virtio-blk --file F --queue-num-max 3            | virtqueue size 3 is not a power of two",
            "run virtio-blk --file F --sectors 0                  | virtio-blk options: the capacity must be a positive number",
            "run chaos --file F --offsets 0x200:0x100             | chaos offsets [0x200, 0x100) are not a range",
            "run chaos --file F --offsets 0x200                   | '0x200' is not a range FROM:TO",
            "run chaos --file F --stuck-ones 3 --stuck-zeros 6    | chaos options: bits 0x2 cannot be stuck at both 1 and 0",
    })
    void usageErrorsExitWith2AndSayWhatWasWrong(String args, String message) {
        String[] argv = args.isBlank() ? new String[0] : args.replace("F", files.next("usage").toString()).split(" +");
        Run run = execute(argv);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        List<String> lines = run.err().lines().toList();
        assertThat(lines).as("a usage error is what was wrong and where help is, never the whole help")
                .hasSizeBetween(2, 3);
        assertThat(lines.getLast()).matches("Try 'sysmem sim( [a-z-]+)* --help' for the options\\.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aShortRunCreatesTheFileServesAndRemovesItWithASummary() {
        Path path = files.next("short");
        Run run = execute("run", "mailbox", "--file", path.toString(), "--create", "--duration", "300ms", "--no-status");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("mailbox 'mailbox' running on " + path + " (pid " + ProcessHandle.current().pid()
                + "); stop with Ctrl-C or after PT0.3S");
        assertThat(run.out()).containsPattern("mailbox 'mailbox' on " + path
                + ": STOPPED after \\d+\\.\\d s \\(duration elapsed\\); 0 requests served; heartbeat \\d+");
        assertThat(run.err()).isEmpty();
        assertThat(path).doesNotExist();
    }

    @Test
    void keptFilesShowTheStoppedHeaderWithTheChosenNameAndPeriod() throws IOException {
        Path path = files.next("keep");
        Run run = execute("run", "mailbox", "--file", path.toString(), "--create", "--keep", "--size", "16K",
                "--name", "mbx", "--heartbeat", "10ms", "--duration", "200ms", "--no-status");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("mailbox 'mbx' on " + path + ": STOPPED");
        try (SharedMemory file = SharedMemory.open(path, 16 * 1024)) {
            SysMem header = file.io();
            assertThat(header.read64(RemoteLayout.MAGIC.offset())).isEqualTo(RemoteLayout.MAGIC_VALUE);
            assertThat(header.read32(RemoteLayout.STATE.offset())).isEqualTo(RemoteState.STOPPED.code());
            assertThat(header.read64(RemoteLayout.HEARTBEAT_PERIOD.offset())).isEqualTo(10_000_000L);
            assertThat(header.read64(RemoteLayout.REGION_SIZE.offset())).isEqualTo(12 * 1024);
        }
    }

    @Test
    void anExistingFileIsUsedAsItIsAndKept() throws IOException {
        Path path = files.next("existing");
        SharedMemory.create(path, RemoteLayout.fileSize(4096)).close();
        Run run = execute("run", "mailbox", "--file", path.toString(), "--duration", "200ms", "--no-status");
        assertThat(run.exitCode()).isZero();
        assertThat(path).exists();
        assertThat(Files.size(path)).isEqualTo(8192);
    }

    @Test
    void theStatusLineShowsStateHeartbeatAndActivityWhenAskedFor() {
        Path path = files.next("status");
        Run run = execute("run", "mailbox", "--file", path.toString(), "--create", "--duration", "300ms", "--status");
        assertThat(run.exitCode()).isZero();
        // Not a terminal: one line per update, never carriage returns.
        assertThat(run.err()).containsPattern("(?m)^mailbox (STARTING|READY)  up \\d+\\.\\d s  heartbeat \\d+  0 requests served$")
                .doesNotContain("\r");
    }

    @Test
    void helpWorksAtEveryLevel() {
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"run", "--help"},
                new String[]{"run", "chaos", "-h"}, new String[]{"serve", "--help"}, new String[]{"list", "--help"})) {
            Run run = execute(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out()).as(String.join(" ", args)).startsWith("Usage: sysmem sim");
            assertThat(run.err()).isEmpty();
        }
    }

    @Test
    void aMissingDirectoryAndAnEmptyFileAreNamedAndExitWith1() throws IOException {
        Path inMissingDirectory = files.next("nodir").resolve("mbox");
        Run noDirectory = execute("run", "mailbox", "--file", inMissingDirectory.toString(), "--create", "--duration", "1s");
        assertThat(noDirectory.exitCode()).isEqualTo(1);
        assertThat(noDirectory.err()).isEqualTo("sysmem: " + inMissingDirectory.getParent()
                + ": no such directory (for --file " + inMissingDirectory + ")" + System.lineSeparator());

        Path empty = files.next("empty");
        Files.createFile(empty);
        Run emptyFile = execute("run", "mailbox", "--file", empty.toString(), "--duration", "1s");
        assertThat(emptyFile.exitCode()).isEqualTo(1);
        assertThat(emptyFile.err()).isEqualTo("sysmem: " + empty + ": is 0 bytes, too small for a mailbox device: it "
                + "needs at least 8192 bytes (4096 of header, 4096 of region); remove it and use --create"
                + System.lineSeparator());
        assertThat(emptyFile.err()).doesNotContain("--size");
    }

    @Test
    void fileProblemsExitWith1AndNameTheFile() throws IOException {
        Path existing = files.next("exists");
        SharedMemory.create(existing, RemoteLayout.fileSize(4096)).close();
        Run exists = execute("run", "mailbox", "--file", existing.toString(), "--create", "--duration", "1s");
        assertThat(exists.exitCode()).isEqualTo(1);
        assertThat(exists.err()).isEqualTo("sysmem: " + existing
                + ": already exists; leave out --create to run over it, or remove it" + System.lineSeparator());

        Path missing = files.next("missing");
        Run absent = execute("run", "mailbox", "--file", missing.toString(), "--duration", "1s");
        assertThat(absent.exitCode()).isEqualTo(1);
        assertThat(absent.err()).contains("sysmem: " + missing + ": no such file; add --create to make it");

        Run wrongSize = execute("run", "mailbox", "--file", existing.toString(), "--size", "16K", "--duration", "1s");
        assertThat(wrongSize.exitCode()).isEqualTo(1);
        assertThat(wrongSize.err()).contains("is 8192 bytes, but 16384 bytes were expected");
        assertThat(existing).exists();
    }
}
