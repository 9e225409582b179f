package dev.sysmem.sim.ivshmem;

import dev.sysmem.io.SharedMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device facts and QEMU options of {@link Ivshmem}, against QEMU's ivshmem specification and 7.2's code. */
class IvshmemTest {

    @TempDir
    Path dir;

    @Test
    void doorbell_values_put_the_peer_in_the_high_half_and_the_vector_in_the_low_byte() {
        assertThat(Ivshmem.doorbell(7, 1)).isEqualTo(0x00070001);
        assertThat(Ivshmem.doorbell(0xffff, 0xff)).isEqualTo(0xffff00ff);
        assertThatThrownBy(() -> Ivshmem.doorbell(0x10000, 0)).hasMessageContaining("peer ID 65536");
        assertThatThrownBy(() -> Ivshmem.doorbell(1, 256)).hasMessageContaining("low 8 bits");
    }

    @Test
    void plain_options_share_the_file_with_the_guest() throws IOException {
        try (SharedMemory shm = SharedMemory.create(dir.resolve("seg"), 1 << 20)) {
            assertThat(Ivshmem.plainOptions(shm, "hm")).containsExactly(
                    "-object", "memory-backend-file,id=hm,size=1048576,share=on,mem-path=" + dir.resolve("seg").toAbsolutePath(),
                    "-device", "ivshmem-plain,memdev=hm");
        }
    }

    @Test
    void a_size_that_is_not_a_power_of_two_is_refused_before_qemu_starts_and_says_why() throws IOException {
        try (SharedMemory shm = SharedMemory.create(dir.resolve("three"), 3 << 20)) {
            assertThatThrownBy(() -> Ivshmem.plainOptions(shm, "hm"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3145728 bytes")
                    .hasMessageContaining("must be a power of two")
                    .hasMessageContaining("is_power_of_2")
                    .hasMessageContaining("use 2097152 or 4194304 bytes");
        }
        try (SharedMemory anonymous = SharedMemory.anonymous(4096)) {
            assertThatThrownBy(() -> Ivshmem.plainOptions(anonymous, "hm")).hasMessageContaining("file-backed");
        }
    }

    @Test
    void the_guest_script_refuses_such_a_file_too_without_starting_qemu() throws Exception {
        Path three = dir.resolve("three");
        try (SharedMemory shm = SharedMemory.create(three, 3 << 20)) {
            assertThat(shm.size()).isEqualTo(3 << 20);
            Process script = new ProcessBuilder("bash", QemuGuest.scripts().resolve("guest.sh").toString(), "--shm", three.toString())
                    .redirectErrorStream(true).start();
            assertThat(script.waitFor(30, TimeUnit.SECONDS)).as("guest.sh returns at once").isTrue();
            String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(script.exitValue()).as(output).isEqualTo(1);
            assertThat(output).contains("3145728 bytes").contains("must be a power of two").doesNotContain("SeaBIOS");
        }
    }

    @Test
    void doorbell_options_connect_to_the_server_socket() {
        assertThat(Ivshmem.doorbellOptions(Path.of("/tmp/s.sock"), 2, "ivs")).containsExactly(
                "-chardev", "socket,path=/tmp/s.sock,id=ivs",
                "-device", "ivshmem-doorbell,chardev=ivs,vectors=2");
        assertThatThrownBy(() -> Ivshmem.doorbellOptions(Path.of("/tmp/a,b"), 1, "ivs")).hasMessageContaining("comma");
        assertThatThrownBy(() -> Ivshmem.doorbellOptions(Path.of("/tmp/s"), 1, "1x")).hasMessageContaining("start with a letter");
        assertThatThrownBy(() -> Ivshmem.doorbellOptions(Path.of("/tmp/s"), 0, "ivs")).hasMessageContaining("vectors");
    }
}
