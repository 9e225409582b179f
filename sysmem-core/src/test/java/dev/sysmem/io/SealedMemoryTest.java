package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sealed memfds: zeroed, shareable by path, sealed so that no one can change their size, and
 * therefore given the inlined access path; files opened by path keep the guarded one.
 */
class SealedMemoryTest {

    private static final int EPERM = 1;

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void deleteFiles() {
        files.deleteAll();
    }

    @Test
    void aSealedMemfdIsZeroedSealedAndTakesTheInlinedPath() throws IOException {
        try (SharedMemory shm = SharedMemory.sealed("dev0", 8192)) {
            assertThat(shm.isSealed()).isTrue();
            assertThat(shm.size()).isEqualTo(8192);
            int fd = shm.fileDescriptor().orElseThrow();
            assertThat(SealedMemfd.seals(fd) & SealedMemfd.SEALS).isEqualTo(SealedMemfd.SEALS);
            assertThat(shm.path()).hasValue(Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd));
            assertThat(shm.toString()).contains("sealed memfd");
            SysMem io = shm.io("dev0");
            assertThat(io).is(constantView(OpaqueSysMem.class));
            assertThat(io.withMode(AccessMode.VOLATILE)).is(constantView(VolatileSysMem.class));
            assertThat(io.read64(8184)).isZero();
        }
    }

    @Test
    void noOneCanTruncateOrGrowItAndTheMappingStaysValid() throws IOException {
        try (SharedMemory shm = SharedMemory.sealed("dev0", 8192)) {
            SysMem io = shm.io("dev0");
            io.write32(4096, 0xcafe);
            int fd = shm.fileDescriptor().orElseThrow();
            assertThat(SealedMemfd.truncate(fd, 0)).as("ftruncate to 0").isEqualTo(EPERM);
            assertThat(SealedMemfd.truncate(fd, 16384)).as("ftruncate to grow").isEqualTo(EPERM);
            try (FileChannel peer = FileChannel.open(shm.path().orElseThrow(), StandardOpenOption.WRITE)) {
                assertThatThrownBy(() -> peer.truncate(0)).isInstanceOf(IOException.class);
                assertThat(peer.size()).isEqualTo(8192);
            }
            assertThat(io.read32(4096)).isEqualTo(0xcafe);
        }
    }

    @Test
    void anotherMappingOfItsPathSeesTheSameBytes() throws IOException {
        try (SharedMemory shm = SharedMemory.sealed("dev0", 4096);
             SharedMemory peer = SharedMemory.open(shm.path().orElseThrow(), 4096)) {
            shm.io("mine").write64(0x10, 0x0123_4567_89ab_cdefL);
            assertThat(peer.io("theirs").read64(0x10)).isEqualTo(0x0123_4567_89ab_cdefL);
            // The opener reads the seals through its own descriptor and takes the inlined path too.
            assertThat(peer.isSealed()).isTrue();
            assertThat(peer.io("theirs")).is(constantView(OpaqueSysMem.class));
        }
    }

    @Test
    void aDescriptorPathToAnUnsealedFileIsGuarded() throws Exception {
        Path file = files.next("unsealed");
        try (SharedMemory created = SharedMemory.create(file, 4096)) {
            int fd = SealedMemfd.open(file);
            try (SharedMemory byDescriptor = SharedMemory.open(Path.of("/proc/self/fd/" + fd), 4096)) {
                // A tmpfs file opened by path comes with F_SEAL_SEAL and nothing else: it can never be sealed.
                assertThat(SealedMemfd.seals(fd) & SealedMemfd.F_SEAL_SHRINK).isZero();
                assertThat(byDescriptor.isSealed()).isFalse();
                assertThat(byDescriptor.io("file")).isInstanceOf(GeneralSysMem.class);
            } finally {
                SealedMemfd.close(fd);
            }
        }
    }

    @Test
    void filesOpenedOrCreatedByPathAreNotSealedAndKeepTheGuard() throws IOException {
        try (SharedMemory shm = SharedMemory.create(files.next("guarded"), 4096)) {
            assertThat(shm.isSealed()).isFalse();
            assertThat(shm.fileDescriptor()).isEmpty();
            assertThat(shm.io("file")).isInstanceOf(GeneralSysMem.class);
            assertThat(SysMem.of("file", shm.segment())).isInstanceOf(GeneralSysMem.class);
        }
        try (SharedMemory shm = SharedMemory.anonymous(4096)) {
            assertThat(shm.isSealed()).isTrue();
            assertThat(shm.io("anon")).is(constantView(OpaqueSysMem.class));
        }
    }

    @Test
    void closeReleasesTheDescriptor() throws IOException {
        SharedMemory shm = SharedMemory.sealed("dev0", 4096);
        Path path = shm.path().orElseThrow();
        assertThat(path).exists();
        shm.close();
        assertThat(path).doesNotExist();
        assertThatThrownBy(() -> shm.io("dev0").read8(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region 'dev0'");
    }

    @Test
    void failuresNameTheMemoryAndItsSize() {
        assertThatThrownBy(() -> SharedMemory.sealed("huge", Long.MAX_VALUE)).isInstanceOf(IOException.class)
                .hasMessageContaining("sealed memfd 'huge'").hasMessageContaining(Long.MAX_VALUE + " bytes");
    }

    /**
     * The inlined path of a whole region: a hidden class defined from {@code template}'s class file
     * with the segment as a constant (ConstantViews), named after the template.
     */
    private static Condition<Object> constantView(Class<?> template) {
        return new Condition<>(view -> view.getClass().isHidden() && view.getClass().getName().startsWith(template.getName() + "/")
                && view.getClass().getSuperclass() == DirectSysMem.class, "a hidden copy of %s", template.getSimpleName());
    }
}
