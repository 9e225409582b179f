package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A second process truncates shared memory while a child JVM's accessing thread runs, in the
 * interpreter, C1 and C2 ({@link TruncationRace}). A sealed memfd cannot be truncated: every
 * attempt fails, no access faults and the JVM lives. A file sysmem only opens can be: the accesses
 * that the guard makes safe throw {@link MemoryFault}, many times, and the JVM lives; the
 * operations that can still abort the JVM are measured by {@link TruncationRace#main} and listed in
 * {@link MemoryFault}, not run here.
 */
class TruncationRaceTest {

    /** Each operation runs this long while the file is truncated and extended in a loop. */
    private static final long MILLIS = 150;
    /** On a guarded file, an operation that has not faulted yet goes on this long at most. */
    private static final long MAX_MILLIS = 5000;

    /** Operations that never crashed the JVM in the measured matrix (see MemoryFault). */
    private static final List<String> GUARDED_SAFE = List.of("read32-opaque", "read64-acquire", "read8-plain",
            "write32-release", "write64-volatile", "write8-plain", "write8-opaque", "write16-release", "write16-volatile");

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void deleteFiles() {
        files.deleteAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "C1", "C2"})
    void aSealedMemfdRefusesEveryTruncationAndNoAccessFaults(String compiler) throws Exception {
        try (SharedMemory shm = SharedMemory.sealed("raced", TruncationRace.SIZE)) {
            List<String> all = List.copyOf(TruncationRaceAccessor.OPERATIONS.keySet());
            TruncationRace.Outcome outcome = TruncationRace.run(TruncationRace.COMPILERS.get(compiler),
                    shm.path().orElseThrow(), all, MILLIS, MILLIS);
            assertThat(outcome.crashed()).as("the accessing JVM lived:\n%s", outcome.output()).isFalse();
            assertThat(outcome.output()).contains("SEALED true");
            assertThat(outcome.truncated()).as("truncations that succeeded").isZero();
            assertThat(outcome.refused()).as("truncations refused (EPERM)").isPositive();
            assertThat(outcome.results()).containsOnlyKeys(all);
            for (Map.Entry<String, long[]> r : outcome.results().entrySet()) {
                assertThat(r.getValue()[0]).as("%s completed", r.getKey()).isPositive();
                assertThat(r.getValue()[1]).as("%s faults", r.getKey()).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "C1", "C2"})
    void aGuardedFileTruncatedByAPeerFaultsCleanly(String compiler) throws Exception {
        Path path = files.next("raced");
        try (SharedMemory shm = SharedMemory.create(path, TruncationRace.SIZE)) {
            TruncationRace.Outcome outcome = TruncationRace.run(TruncationRace.COMPILERS.get(compiler), path,
                    GUARDED_SAFE, MILLIS, MAX_MILLIS);
            assertThat(outcome.crashed()).as("the accessing JVM lived:\n%s", outcome.output()).isFalse();
            assertThat(outcome.output()).contains("SEALED false");
            assertThat(outcome.truncated()).as("truncations").isPositive();
            assertThat(outcome.results()).containsOnlyKeys(GUARDED_SAFE);
            for (Map.Entry<String, long[]> r : outcome.results().entrySet()) {
                // The race really happened for every operation: the peer pulled the page away under it.
                assertThat(r.getValue()[1]).as("%s faults", r.getKey()).isPositive();
            }
        }
    }
}
