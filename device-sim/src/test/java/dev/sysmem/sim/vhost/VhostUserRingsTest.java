package dev.sysmem.sim.vhost;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.ivshmem.EventFd;
import dev.sysmem.sim.ivshmem.Libc;
import dev.sysmem.sim.virtio.RamDisk;
import dev.sysmem.sim.virtio.VirtioFeatures;
import dev.sysmem.sim.virtio.VirtqueueDriver;
import dev.sysmem.sim.virtio.VirtqueueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.sysmem.sim.vhost.FrontEnd.state;
import static dev.sysmem.sim.vhost.FrontEnd.u64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole vhost-user start sequence of QEMU 7.2 (features, memory table, vring num / base / addr
 * / call / err / kick, enable) played by the test over a socketpair, then virtio-blk requests made
 * by device-sim's own {@link VirtqueueDriver} on the "guest" memory: a file mapped here and, through
 * the descriptors the test passes, by the back-end.
 *
 * <p>The memory table has two regions with a hole between them and front-end virtual addresses
 * that differ from the guest-physical ones, so ring addresses only work if the back-end translates
 * them through the table, and a buffer in the hole must be refused, not touched.
 */
class VhostUserRingsTest {

    private static final long GUEST_SIZE = 1 << 20;
    /** Region A: guest-physical [0, 256 KiB) at front-end address UVA_A. */
    private static final long A_SIZE = 0x40000;
    private static final long UVA_A = 0x7f00_0000_0000L;
    /** Region B: guest-physical [512 KiB, 1 MiB) at front-end address UVA_B; [256, 512) KiB is a hole. */
    private static final long B_GPA = 0x80000;
    private static final long B_SIZE = 0x80000;
    private static final long UVA_B = 0x7f00_1000_0000L;
    private static final int QS = 16;
    private static final long FEATURES = (1L << VirtioFeatures.VERSION_1) | (1L << VirtioFeatures.EVENT_IDX)
            | (1L << RamDisk.F_FLUSH) | (1L << VhostUserBlkBackend.F_PROTOCOL_FEATURES);

    @TempDir
    Path dir;

    private SharedMemory guestFile;
    private SysMem guest;
    private RamDisk disk;
    private ConnectedBackend backend;
    private final List<EventFd> eventFds = new ArrayList<>();
    private EventFd kick;
    private EventFd call;
    private EventFd err;
    private VirtqueueLayout layout;
    private VirtqueueDriver driver;

    @BeforeEach
    void start() throws Exception {
        guestFile = SharedMemory.create(dir.resolve("guest-ram"), GUEST_SIZE);
        guest = guestFile.io("guest RAM");
        disk = RamDisk.create(256, "rings", false);
        backend = new ConnectedBackend(disk);
        kick = eventFd();
        call = eventFd();
        err = eventFd();
        layout = VirtqueueLayout.contiguous(QS, 0x1000);
        driver = VirtqueueDriver.create("test queue", guest, layout, new VirtioFeatures(FEATURES), () -> {
            try {
                kick.signal();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private EventFd eventFd() throws IOException {
        EventFd e = EventFd.create();
        eventFds.add(e);
        return e;
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        eventFds.forEach(EventFd::close);
        guestFile.close();
    }

    private static long uva(long gpa) {
        return gpa < A_SIZE ? UVA_A + gpa : UVA_B + (gpa - B_GPA);
    }

    private void sendWithFd(VhostUserRequest request, byte[] payload, EventFd fd) throws IOException {
        int d = fd.acquire();
        try {
            backend.frontEnd.send(request, payload, d);
        } finally {
            fd.release();
        }
    }

    /** QEMU 7.2's realize and start sequences, with ring addresses {@code desc}, {@code avail}, {@code used} (front-end addresses). */
    private void startQueue(long desc, long avail, long used) throws Exception {
        FrontEnd f = backend.frontEnd;
        f.send(VhostUserRequest.GET_FEATURES, new byte[0]);
        assertThat(f.reply().u64() & FEATURES).isEqualTo(FEATURES);
        f.send(VhostUserRequest.GET_PROTOCOL_FEATURES, new byte[0]);
        f.send(VhostUserRequest.SET_PROTOCOL_FEATURES, u64(f.reply().u64()));
        f.send(VhostUserRequest.SET_OWNER, new byte[0]);
        f.send(VhostUserRequest.SET_FEATURES, u64(FEATURES));
        ByteBuffer table = ByteBuffer.allocate(8 + 64).order(ByteOrder.LITTLE_ENDIAN).putInt(2).putInt(0)
                .putLong(0).putLong(A_SIZE).putLong(UVA_A).putLong(0)
                .putLong(B_GPA).putLong(B_SIZE).putLong(UVA_B).putLong(B_GPA);
        int a = Libc.open(dir.resolve("guest-ram"));
        int b = Libc.open(dir.resolve("guest-ram"));
        try {
            f.send(VhostUserRequest.SET_MEM_TABLE, VhostUserMessage.FLAG_NEED_REPLY, table.array(), a, b);
        } finally {
            Libc.close(a);
            Libc.close(b);
        }
        assertThat(f.reply().u64()).as("SET_MEM_TABLE acknowledged").isZero();
        f.send(VhostUserRequest.SET_VRING_NUM, state(0, QS));
        f.send(VhostUserRequest.SET_VRING_BASE, state(0, 0));
        ByteBuffer addr = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0)
                .putLong(desc).putLong(used).putLong(avail).putLong(0);
        f.send(VhostUserRequest.SET_VRING_ADDR, addr.array());
        sendWithFd(VhostUserRequest.SET_VRING_CALL, u64(0), call);
        sendWithFd(VhostUserRequest.SET_VRING_ERR, u64(0), err);
        sendWithFd(VhostUserRequest.SET_VRING_KICK, u64(0), kick);
        f.send(VhostUserRequest.SET_VRING_ENABLE, state(0, 1));
    }

    private void startQueue() throws Exception {
        startQueue(uva(layout.descriptorTable()), uva(layout.availableRing()), uva(layout.usedRing()));
    }

    /** One request: a 16-byte header at {@code header}, {@code data} (readable or writable), a status byte at {@code status}. */
    private int request(int type, long sector, long header, long data, int dataLength, long status) {
        guest.write32(header, type);
        guest.write32(header + 4, 0);
        guest.write64(header + 8, sector);
        guest.write8(status, 0xff);
        boolean out = type == RamDisk.T_OUT;
        int head = driver.add(new long[] {header, data, status}, new long[] {16, dataLength, 1}, out ? 2 : 1, out ? 1 : 2);
        driver.kickIfNeeded();
        return head;
    }

    /** Waits for the call eventfd and harvests one completion: its {@code used.len}. */
    private long complete() throws IOException {
        long[] written = {-1};
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (driver.harvest((head, len) -> written[0] = len) == 0) {
            assertThat(System.nanoTime() - deadline).as("a completion within 10 s").isNegative();
            call.await(Duration.ofMillis(100));
            call.drain();
        }
        return written[0];
    }

    @Test
    void requests_through_translated_rings_reach_the_ram_disk() throws Exception {
        startQueue();
        byte[] pattern = new byte[4096];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        MemorySegment.copy(pattern, 0, guest.segment(), ValueLayout.JAVA_BYTE, B_GPA + 0x1000, pattern.length);
        request(RamDisk.T_OUT, 8, B_GPA, B_GPA + 0x1000, 4096, B_GPA + 0x3000);
        assertThat(complete()).as("used.len of a write: the status byte").isEqualTo(1);
        assertThat(guest.read8(B_GPA + 0x3000)).as("status").isEqualTo(RamDisk.S_OK);
        assertThat(disk.contents().asSlice(8 * 512, 4096).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);

        // Read it back into region A, below the hole.
        request(RamDisk.T_IN, 8, B_GPA + 0x100, 0x20000, 4096, B_GPA + 0x3001);
        assertThat(complete()).as("used.len of a read: data and status").isEqualTo(4097);
        assertThat(guest.read8(B_GPA + 0x3001)).isEqualTo(RamDisk.S_OK);
        assertThat(guest.segment().asSlice(0x20000, 4096).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);
        assertThat(call.isOpen()).isTrue();
        assertThat(backend.hasEnded()).isFalse();
    }

    @Test
    void a_buffer_in_the_hole_between_regions_stops_the_queue_and_signals_its_error_eventfd() throws Exception {
        startQueue();
        // 4 KiB of data that would land in [0x7f800, 0x80800): half in the hole, half in region B.
        request(RamDisk.T_OUT, 0, B_GPA, A_SIZE + 0x3f800, 4096, B_GPA + 0x3000);
        assertThat(err.await(Duration.ofSeconds(10))).as("the error eventfd was signalled").isTrue();
        assertThat(backend.backend.fault(0)).contains("addr 0x7f800 len 4096 is not guest RAM")
                .contains("guest-physical 0x7f800").contains("is in no region of the memory table");
        assertThat(disk.contents().asSlice(0, 4096).toArray(ValueLayout.JAVA_BYTE)).containsOnly(0);
        assertThat(guest.read8(B_GPA + 0x3000)).as("no status was written").isEqualTo(0xff);
        assertThat(backend.hasEnded()).as("a fault in the rings stops the queue, not the connection").isFalse();
    }

    @Test
    void a_ring_address_outside_every_region_closes_the_connection() throws Exception {
        // The used ring at the front-end address just past region A's end.
        startQueue(uva(layout.descriptorTable()), uva(layout.availableRing()), UVA_A + A_SIZE - 8);
        assertThat(backend.reason()).startsWith("protocol violation: SET_VRING_ADDR for vring 0")
                .contains("the used ring of vring 0").contains("front-end address 0x7f000003fff8")
                .contains("is in no region of the memory table");
    }
}
