package dev.sysmem.sim.remote;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.sysmem.sim.remote.RemoteLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The header layout against its documentation: offsets, the magic's bytes, kind names, the failure text. */
class RemoteLayoutTest {

    @Test
    void theWordsSitAtTheDocumentedOffsets() {
        assertThat(REGISTERS).extracting(r -> r.name() + "@" + Long.toHexString(r.offset()) + ":" + r.width())
                .containsExactly("MAGIC@0:u64", "LAYOUT_VERSION@8:u32", "STATE@c:u32", "HEARTBEAT@10:u64",
                        "HEARTBEAT_PERIOD@18:u64", "PID@20:u64", "PROCESS_START@28:u64", "REGION_OFFSET@30:u64",
                        "REGION_SIZE@38:u64", "FAILURE_LENGTH@60:u32", "ENDED_AT@68:u64");
        assertThat(KIND_OFFSET).isEqualTo(0x40);
        assertThat(FAILURE_OFFSET).isEqualTo(0x100);
        assertThat(HEADER_SIZE).isEqualTo(4096).isEqualTo(Long.decode(HEADER_SIZE_HEX));
        assertThat(FAILURE_CAPACITY).isEqualTo(0xf00);
        assertThat(RemoteState.STARTING.code()).isEqualTo(1);
        assertThat(RemoteState.READY.code()).isEqualTo(2);
        assertThat(RemoteState.STOPPED.code()).isEqualTo(3);
        assertThat(RemoteState.FAILED.code()).isEqualTo(4);
        assertThat(RemoteState.REMOVED.code()).isEqualTo(5);
        assertThat(RemoteState.of(0)).isEmpty();
    }

    @Test
    void theMagicIsTheBytesSysmemdvInMemory() {
        try (SharedMemory shm = SharedMemory.anonymous(HEADER_SIZE)) {
            SysMem mem = shm.io("header");
            mem.write64(0, MAGIC_VALUE);
            byte[] bytes = new byte[8];
            for (int i = 0; i < 8; i++) {
                bytes[i] = (byte) mem.read8(i);
            }
            assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("SYSMEMDV");
            assertThat(Long.toHexString(MAGIC_VALUE)).isEqualTo(MAGIC_VALUE_HEX.substring(2));
        }
    }

    @Test
    void kindNamesAreShortLowerCaseAscii() {
        assertThat(checkKind("mailbox")).isEqualTo("mailbox");
        assertThat(checkKind("virtio-blk")).isEqualTo("virtio-blk");
        assertThat(checkKind("a".repeat(32))).hasSize(32);
        for (String bad : new String[]{"", "Mailbox", "a b", "a".repeat(33), "mäilbox", "edu_dev"}) {
            assertThatThrownBy(() -> checkKind(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("1 to 32 characters");
        }
    }

    @Test
    void theFileHoldsTheHeaderThenTheRegion() {
        assertThat(fileSize(4096)).isEqualTo(8192);
        assertThatThrownBy(() -> fileSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileSize(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHeaderIsWrittenWordByWordAsDocumented() {
        try (SharedMemory shm = SharedMemory.anonymous(HEADER_SIZE)) {
            SysMem mem = shm.io("header");
            RemoteHeader header = new RemoteHeader(mem);
            header.announce("mailbox", 4096, Duration.ofMillis(100), 1234, 5678);
            assertThat(mem.read64(MAGIC.offset())).isEqualTo(MAGIC_VALUE);
            assertThat(mem.read32(LAYOUT_VERSION.offset())).isEqualTo(1);
            assertThat(mem.read32(STATE.offset())).isEqualTo(RemoteState.STARTING.code());
            assertThat(mem.read64(HEARTBEAT_PERIOD.offset())).isEqualTo(100_000_000L);
            assertThat(mem.read64(PID.offset())).isEqualTo(1234);
            assertThat(mem.read64(PROCESS_START.offset())).isEqualTo(5678);
            assertThat(mem.read64(REGION_OFFSET.offset())).isEqualTo(0x1000);
            assertThat(mem.read64(REGION_SIZE.offset())).isEqualTo(4096);
            assertThat(mem.read8(KIND_OFFSET)).isEqualTo('m');
            assertThat(mem.read8(KIND_OFFSET + 6)).isEqualTo('x');
            assertThat(mem.read8(KIND_OFFSET + 7)).isZero();
            header.heartbeat(3);
            assertThat(mem.read64(HEARTBEAT.offset())).isEqualTo(3);
            header.fail("boom");
            assertThat(mem.read32(FAILURE_LENGTH.offset())).isEqualTo(4);
            assertThat(mem.read8(FAILURE_OFFSET)).isEqualTo('b');
            assertThat(mem.read32(STATE.offset())).isEqualTo(RemoteState.FAILED.code());
        }
    }

    @Test
    void aLongFailureIsCutAtACharacterBoundary() {
        try (SharedMemory shm = SharedMemory.anonymous(HEADER_SIZE)) {
            RemoteHeader header = new RemoteHeader(shm.io("header"));
            String reason = "x" + "é".repeat(FAILURE_CAPACITY);        // 2 bytes each: the cut falls inside one
            header.fail(reason);
            String read = header.failure();
            assertThat(read.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FAILURE_CAPACITY)
                    .isGreaterThan(FAILURE_CAPACITY - 2);
            assertThat(reason).startsWith(read);
            assertThat(read).doesNotContain("\uFFFD");
        }
    }

    @Test
    void aRegionSmallerThanAHeaderIsRefused() {
        try (SharedMemory shm = SharedMemory.anonymous(512)) {
            assertThatThrownBy(() -> new RemoteHeader(shm.io("tiny"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("512 bytes").hasMessageContaining("4096-byte");
        }
    }
}
