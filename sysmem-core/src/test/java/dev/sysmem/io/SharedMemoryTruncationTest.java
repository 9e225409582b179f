package dev.sysmem.io;

import dev.sysmem.testing.ChildJvm;
import dev.sysmem.testing.ShmFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A file truncated under a live mapping makes the access that touches a lost page throw
 * {@link MemoryFault}, never a bare {@link InternalError} and never a JVM crash, whether the access
 * runs in the interpreter, in C1 code or in C2 code. On JDK 25 the first fails without
 * {@code MappedAccess} (the error escapes compiled code after the access) and the other two
 * crash the JVM for atomics and 8/16-bit ordered stores.
 *
 * <p>The interpreter and each compiler run in a child JVM, so that the tier is certain:
 * {@code -Xint}, or {@code -Xbatch} with a warm-up and {@code -XX:+PrintCompilation} output that
 * shows the access method compiled at the moment of every fault.
 */
class SharedMemoryTruncationTest {

    private static final Duration CHILD_DEADLINE = Duration.ofSeconds(90);
    /** The probe's cases: (4 widths x 4 modes x read/write + 12 atomics) x 2 byte orders. */
    private static final int CASES = 88;

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void deleteFiles() {
        files.deleteAll();
    }

    @Test
    void inThisJvmAWarmedUpAccessFaultsCleanlyAndTheJvmLivesOn() throws Exception {
        Path path = files.next("warm");
        try (SharedMemory shm = SharedMemory.create(path, 8192)) {
            SysMem io = shm.io("warm");
            List<Consumer<Long>> accesses = List.of(
                    io::read8, io::read16, io::read32, io::read64,
                    o -> io.write8(o, 1), o -> io.write16(o, 1), o -> io.write32(o, 1), o -> io.write64(o, 1),
                    o -> io.getAndAdd32(o, 1), o -> io.compareAndSet64(o, 0, 0));
            long offsets = 0x1000;
            for (int i = 0; i < 20_000; i++) {
                for (Consumer<Long> access : accesses) {
                    access.accept(offsets + 8 * (i & 0x1ff));
                }
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(4096);
            }
            for (Consumer<Long> access : accesses) {
                assertThatThrownBy(() -> access.accept(0x1ff8L))
                        .isInstanceOf(MemoryFault.class)
                        .hasCauseInstanceOf(InternalError.class)
                        .hasMessageContaining("region 'warm' (8192 bytes): u")
                        .hasMessageContaining(" at offset 0x1ff8 faulted");
            }
            assertThat(io.read32(0xff8)).as("the page the file kept").isZero();
        }
        try (SharedMemory after = SharedMemory.anonymous(64)) {
            after.io().write64(8, 77);
            assertThat(after.io().read64(8)).isEqualTo(77);
        }
    }

    @Test
    void interpreted() throws Exception {
        List<String> lines = probe(List.of("-Xint"), 5, files.next("probe"));
        assertThat(compilesOfTheAccessMethod(lines)).isZero();
    }

    @Test
    void compiledByC1() throws Exception {
        List<String> lines = probe(List.of("-XX:TieredStopAtLevel=1", "-Xbatch", "-XX:+PrintCompilation"), 100,
                files.next("probe"));
        assertEveryFaultHitCompiledCode(lines);
    }

    @Test
    void compiledByC2() throws Exception {
        List<String> lines = probe(List.of("-XX:-TieredCompilation", "-Xbatch", "-XX:+PrintCompilation"), 500,
                files.next("probe"));
        assertEveryFaultHitCompiledCode(lines);
    }

    /** Runs the probe and checks that every case faulted cleanly and the JVM lived to say so. */
    private static List<String> probe(List<String> flags, int warm, Path file) throws Exception {
        List<String> jvmFlags = new ArrayList<>(flags);
        jvmFlags.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/sysmem-truncation-hs_err_%p.log");
        ChildJvm.Result result = ChildJvm.run(CHILD_DEADLINE, jvmFlags, TruncationProbe.class, String.valueOf(warm),
                file.toString());
        List<String> lines = result.lines();
        List<String> results = lines.stream().filter(l -> l.startsWith("RESULT ")).toList();
        assertThat(result.exitCode()).as("the probe JVM exited normally:\n%s", result.output()).isZero();
        assertThat(results).hasSize(CASES);
        assertThat(results).allSatisfy(line -> assertThat(line).endsWith(" MemoryFault"));
        assertThat(lines).contains("ALIVE");
        return lines;
    }

    /**
     * Replays {@code -XX:+PrintCompilation} output: at each {@code FAULTING} line, a compiled
     * version of {@code MappedAccess.access}, where every fault happens, must be live (compiled,
     * not since made not entrant).
     */
    private static void assertEveryFaultHitCompiledCode(List<String> lines) {
        Set<String> liveCompiles = new HashSet<>();
        int faults = 0;
        for (String line : lines) {
            if (line.contains("dev.sysmem.io.MappedAccess::access ")) {
                String compileId = line.trim().split("\\s+")[1];
                if (line.contains("made not entrant")) {
                    liveCompiles.remove(compileId);
                } else {
                    liveCompiles.add(compileId);
                }
            } else if (line.startsWith("FAULTING ")) {
                faults++;
                assertThat(liveCompiles).as("compiled code at %s", line).isNotEmpty();
            }
        }
        assertThat(faults).isEqualTo(CASES);
    }

    private static long compilesOfTheAccessMethod(List<String> lines) {
        return lines.stream().filter(l -> l.contains("MappedAccess::access")).count();
    }
}
