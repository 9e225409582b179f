package dev.sysmem.io;

import dev.sysmem.testing.ChildJvm;
import dev.sysmem.testing.ShmFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shared memory as a device in another process sees it: a second JVM writes the file this one
 * mapped, files are created exclusively and owner-only, links are never followed, sizes are
 * checked, a peer's truncation is a clean {@link MemoryFault}, and close is final.
 */
class SharedMemoryTest {

    private static final Duration CHILD_DEADLINE = Duration.ofSeconds(60);

    private final ShmFiles files = new ShmFiles();

    @AfterEach
    void deleteFiles() {
        files.deleteAll();
    }

    @Test
    void anotherProcessWritesEveryWidthAndThisOneSeesIt() throws Exception {
        Path path = files.next("peer");
        try (SharedMemory shm = SharedMemory.create(path, 4096);
             ChildJvm peer = ChildJvm.start(List.of(), SharedMemoryPeer.class, "write", path.toString(), "4096")) {
            SysMem io = shm.io("shared");
            SysMem sync = io.withMode(AccessMode.ACQUIRE_RELEASE);
            io.write64(SharedMemoryPeer.FROM_TEST, 0x0123_4567_89ab_cdefL);
            sync.write32(SharedMemoryPeer.GO, 1);
            await().atMost(CHILD_DEADLINE)
                    .until(() -> sync.read32(SharedMemoryPeer.DONE) == 1 || !peer.isAlive());
            assertThat(sync.read32(SharedMemoryPeer.DONE)).as("the peer finished: %s", peer.output()).isEqualTo(1);

            assertThat(io.read64(SharedMemoryPeer.ECHO)).isEqualTo(~0x0123_4567_89ab_cdefL);
            SysMem big = io.withOrder(ByteOrder.BIG_ENDIAN);
            for (Width width : Width.values()) {
                long expected = SharedMemoryPeer.VALUES[width.ordinal()];
                assertThat(io.read(width, SharedMemoryPeer.LITTLE + SharedMemoryPeer.offsetOf(width)))
                        .as("little-endian %s", width).isEqualTo(expected);
                assertThat(big.read(width, SharedMemoryPeer.BIG + SharedMemoryPeer.offsetOf(width)))
                        .as("big-endian %s", width).isEqualTo(expected);
            }
            assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, SharedMemoryPeer.BIG + 0x4)).isEqualTo((byte) 0xde);
            assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, SharedMemoryPeer.LITTLE + 0x4)).isEqualTo((byte) 0xef);

            sync.write32(SharedMemoryPeer.ACK, 1);
            ChildJvm.Result result = peer.await(CHILD_DEADLINE);
            assertThat(result.exitCode()).as(result.output()).isZero();
        }
    }

    @Test
    void aPeersTruncationIsAMemoryFaultAndTheJvmLivesOn() throws Exception {
        Path path = files.next("truncated");
        try (SharedMemory shm = SharedMemory.create(path, 3 * 4096)) {
            SysMem io = shm.io("ring");
            io.write32(0x0, 0x1111);
            io.write32(0x2000, 0x2222);

            ChildJvm.Result result = ChildJvm.run(CHILD_DEADLINE, List.of(), SharedMemoryPeer.class,
                    "truncate", path.toString(), "4096");
            assertThat(result.exitCode()).as(result.output()).isZero();

            assertThat(io.read32(0x0)).as("the page the file kept").isEqualTo(0x1111);
            assertThatThrownBy(() -> io.read32(0x2000))
                    .isInstanceOf(MemoryFault.class)
                    .hasMessageStartingWith("region 'ring' (12288 bytes): u32 read at offset 0x2000 faulted")
                    .hasCauseInstanceOf(InternalError.class)
                    .satisfies(e -> {
                        MemoryFault fault = (MemoryFault) e;
                        assertThat(fault.region()).isEqualTo("ring");
                        assertThat(fault.offset()).isEqualTo(0x2000);
                        assertThat(fault.width()).isEqualTo(Width.U32);
                    });
            assertThatThrownBy(() -> io.write64(0x1008, -1L))
                    .isInstanceOf(MemoryFault.class)
                    .hasMessageStartingWith("region 'ring' (12288 bytes): u64 write at offset 0x1008 faulted");
            assertThatThrownBy(() -> io.getAndAdd32(0x2ffc, 1)).isInstanceOf(MemoryFault.class);
            assertThatThrownBy(() -> io.write8(0x1001, 1)).isInstanceOf(MemoryFault.class);

            // Once the file has its size again the pages are back, zeroed.
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.allocate(1), 3 * 4096 - 1);
            }
            assertThat(io.read32(0x2000)).isZero();
            io.write32(0x2000, 0x3333);
            assertThat(io.read32(0x2000)).isEqualTo(0x3333);
            assertThat(io.read32(0x0)).isEqualTo(0x1111);
        }
        try (SharedMemory fresh = SharedMemory.anonymous(64)) {
            fresh.io().write64(0, 42);
            assertThat(fresh.io().read64(0)).isEqualTo(42);
        }
    }

    @Test
    void createMakesAnOwnerOnlyZeroedPageAlignedFileOfTheSize() throws Exception {
        Path path = files.next("fresh");
        try (SharedMemory shm = SharedMemory.create(path, 10_000)) {
            assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.size(path)).isEqualTo(10_000);
            assertThat(shm.size()).isEqualTo(10_000);
            assertThat(shm.path()).contains(path);
            assertThat(shm.segment().address() % SharedMemory.PAGE_SIZE).isZero();
            assertThat(shm.segment().isMapped()).isTrue();
            for (long o = 0; o < 10_000; o += 8) {
                assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, o)).isZero();
            }
            assertThat(shm.io().name()).isEqualTo(path.toString());
            assertThat(shm.toString()).contains(path.toString(), "10000 bytes");
        }
    }

    @Test
    void createRefusesAnExistingFileAndLeavesItAlone() throws Exception {
        Path path = files.next("existing");
        Files.writeString(path, "not yours");
        assertThatThrownBy(() -> SharedMemory.create(path, 4096)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(path)).isEqualTo("not yours");
    }

    @Test
    void createRefusesASymbolicLinkWithoutTouchingItsTarget() throws Exception {
        Path target = files.next("target");
        Files.writeString(target, "target");
        Path link = files.next("link");
        Files.createSymbolicLink(link, target);
        assertThatThrownBy(() -> SharedMemory.create(link, 4096)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(target)).isEqualTo("target");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void createRefusesADanglingSymbolicLinkAndCreatesNothingBehindIt() throws Exception {
        Path missing = files.next("missing");
        Path link = files.next("dangling");
        Files.createSymbolicLink(link, missing);
        assertThatThrownBy(() -> SharedMemory.create(link, 4096)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(missing).doesNotExist();
    }

    @Test
    void openMapsTheSameMemory() throws Exception {
        Path path = files.next("twice");
        try (SharedMemory first = SharedMemory.create(path, 8192);
             SharedMemory second = SharedMemory.open(path, 8192)) {
            first.io().write64(0x1ff8, 0x5555_aaaa_5555_aaaaL);
            assertThat(second.io().read64(0x1ff8)).isEqualTo(0x5555_aaaa_5555_aaaaL);
            second.io().getAndAdd32(0x10, 3);
            assertThat(first.io().read32(0x10)).isEqualTo(3);
        }
    }

    @Test
    void openRefusesAWrongSizeNamingBothSizes() throws Exception {
        Path path = files.next("sized");
        try (SharedMemory ignored = SharedMemory.create(path, 8192)) {
            assertThatThrownBy(() -> SharedMemory.open(path, 4096))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(path.toString())
                    .hasMessageContaining("is 8192 bytes, but 4096 bytes were expected");
            assertThatThrownBy(() -> SharedMemory.open(path, 16384))
                    .hasMessageContaining("is 8192 bytes, but 16384 bytes were expected");
        }
    }

    @Test
    void openRefusesSymbolicLinksAndNonRegularFiles() throws Exception {
        Path target = files.next("real");
        try (SharedMemory ignored = SharedMemory.create(target, 4096)) {
            Path link = files.next("link");
            Files.createSymbolicLink(link, target);
            assertThatThrownBy(() -> SharedMemory.open(link, 4096))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageContaining(link.toString())
                    .hasMessageContaining("is a symbolic link");
        }
        Path directory = files.next("dir");
        Files.createDirectory(directory);
        assertThatThrownBy(() -> SharedMemory.open(directory, 4096))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("is not a regular file");
        assertThatThrownBy(() -> SharedMemory.open(files.next("absent"), 4096))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void closeIsIdempotentAndAccessAfterItFailsNamingTheRegion() throws Exception {
        Path path = files.next("closing");
        SharedMemory shm = SharedMemory.create(path, 4096);
        SysMem io = shm.io("dev0");
        io.write32(0, 1);
        assertThat(shm.isOpen()).isTrue();
        shm.close();
        shm.close();
        assertThat(shm.isOpen()).isFalse();
        assertThat(shm.toString()).endsWith(", closed]");
        assertThatThrownBy(() -> io.read32(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("region 'dev0' (4096 bytes): u32 read at offset 0x0 failed: the region's memory was closed");
        assertThatThrownBy(() -> io.write8(7, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("region 'dev0'");
        assertThatThrownBy(() -> io.compareAndSet64(8, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(Files.exists(path)).as("close keeps the file").isTrue();
        try (SharedMemory again = SharedMemory.open(path, 4096)) {
            assertThat(again.io().read32(0)).isEqualTo(1);
        }
    }

    @Test
    void anonymousMemoryIsZeroedPageAlignedAndUsableFromAnyThread() throws Exception {
        try (SharedMemory shm = SharedMemory.anonymous(100)) {
            assertThat(shm.segment().address() % SharedMemory.PAGE_SIZE).isZero();
            assertThat(shm.path()).isEmpty();
            assertThat(shm.io().name()).isEqualTo("anonymous");
            assertThat(shm.segment().isMapped()).isFalse();
            for (long o = 0; o < 100; o++) {
                assertThat(shm.segment().get(ValueLayout.JAVA_BYTE, o)).isZero();
            }
            Thread other = Thread.ofPlatform().start(() -> shm.io().write32(0x40, 9));
            other.join(Duration.ofSeconds(10));
            assertThat(shm.io().read32(0x40)).isEqualTo(9);
        }
    }

    @Test
    void sizesMustBePositive() {
        assertThatThrownBy(() -> SharedMemory.anonymous(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("anonymous memory: size must be positive, was 0");
        Path path = files.next("empty");
        assertThatThrownBy(() -> SharedMemory.create(path, -1)).hasMessageContaining("size must be positive, was -1");
        assertThat(path).doesNotExist();
        assertThatThrownBy(() -> SharedMemory.open(path, 0)).hasMessageContaining("size must be positive");
    }

    @Test
    void offsetsBeyondTwoGibibytesWork() throws Exception {
        long size = (3L << 30) + 4096;   // sparse: only the pages touched take memory
        try (SharedMemory shm = SharedMemory.create(files.next("large"), size)) {
            SysMem io = shm.io("large");
            io.write64(size - 8, 0x0bad_cafe_0bad_cafeL);
            io.write32(1L << 31, 7);
            assertThat(io.read64(size - 8)).isEqualTo(0x0bad_cafe_0bad_cafeL);
            assertThat(io.read32(1L << 31)).isEqualTo(7);
            assertThatThrownBy(() -> io.read64(size)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("(" + size + " bytes)");
        }
    }

    @Test
    void failuresNameTheSizeAndThePath() {
        assertThatThrownBy(() -> SharedMemory.anonymous(Long.MAX_VALUE)).isInstanceOf(OutOfMemoryError.class)
                .hasMessageContaining("anonymous memory of " + Long.MAX_VALUE + " bytes");
        Path path = files.next("huge");
        assertThatThrownBy(() -> SharedMemory.create(path, Long.MAX_VALUE)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("shared file " + path).hasMessageContaining(Long.MAX_VALUE + " bytes");
        assertThat(path).doesNotExist();
    }

    @Test
    void aConfinedViewUsedFromAnotherThreadNamesRegionAndThread() throws Exception {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            SysMem confined = SysMem.of("confined", arena.allocate(64, 8));
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    confined.read32(0x8);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "device-thread");
            other.start();
            other.join(CHILD_DEADLINE.toMillis());
            assertThat(thrown.get()).isInstanceOf(WrongThreadException.class)
                    .hasMessageContaining("region 'confined' (64 bytes): u32 read at offset 0x8")
                    .hasMessageContaining("thread 'device-thread'");
        }
    }
}
