package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chains, data and indexes of a split virtqueue, driver and device stepped on one thread
 * (VIRTIO 1.x "The Virtqueue Descriptor Table", "Message Framing", "The Virtqueue Used Ring",
 * "Supplying Buffers to The Device").
 */
class VirtqueueTest {

    /** What the device saw of one chain. */
    record Seen(int head, List<Long> addresses, List<Long> lengths, List<Boolean> writable) {
    }

    private static ChainHandler recording(List<Seen> seen) {
        return chain -> {
            List<Long> a = new ArrayList<>();
            List<Long> l = new ArrayList<>();
            List<Boolean> w = new ArrayList<>();
            for (int i = 0; i < chain.descriptorCount(); i++) {
                a.add(chain.address(i));
                l.add(chain.length(i));
                w.add(chain.isWritable(i));
            }
            seen.add(new Seen(chain.head(), a, l, w));
            return 0;
        };
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void chainsLinkedWithNextReachTheDeviceReadableFirstInOrder(boolean eventIdx) {
        List<Seen> seen = new ArrayList<>();
        try (QueuePair q = new QueuePair(8, eventIdx, recording(seen))) {
            long b = q.buffers;
            int head = q.driver.add(new long[] {b, b + 100, b + 200, b + 300}, new long[] {16, 50, 7, 1}, 2, 2);
            assertThat(head).isBetween(0, 7);
            assertThat(q.driver.freeDescriptors()).isEqualTo(4);

            // In the shared table: NEXT on all but the last, WRITE on the last two, next links the chain.
            List<Integer> flags = new ArrayList<>();
            int index = head;
            for (int i = 0; i < 4; i++) {
                long d = q.layout.descriptor(index);
                assertThat(q.guest.read64(d)).isEqualTo(b + 100L * i);
                flags.add(q.read16(d + 12));
                index = q.read16(d + 14);
            }
            assertThat(flags).containsExactly(1, 1, 1 | 2, 2);
            assertThat(q.read16(q.layout.availRing(0))).isEqualTo(head);
            assertThat(q.read16(q.layout.availIdx())).isEqualTo(1);

            assertThat(q.device.processAvailable()).isEqualTo(1);
            assertThat(seen).containsExactly(new Seen(head, List.of(b, b + 100, b + 200, b + 300),
                    List.of(16L, 50L, 7L, 1L), List.of(false, false, true, true)));
            int[] got = new int[1];
            assertThat(q.driver.harvest((id, len) -> got[0] = id)).isEqualTo(1);
            assertThat(got[0]).isEqualTo(head);
            assertThat(q.driver.freeDescriptors()).isEqualTo(8);
        }
    }

    @Test
    void aChainAsLongAsTheQueueIsAllowed() {
        List<Seen> seen = new ArrayList<>();
        try (QueuePair q = new QueuePair(16, true, recording(seen))) {
            long[] addr = new long[16];
            long[] len = new long[16];
            for (int i = 0; i < 16; i++) {
                addr[i] = q.buffers + 64L * i;
                len[i] = 64;
            }
            assertThat(q.driver.add(addr, len, 10, 6)).isNotNegative();
            assertThat(q.driver.add(q.buffers, 1, q.buffers + 1, 1)).as("queue full").isEqualTo(-1);
            assertThat(q.device.processAvailable()).isEqualTo(1);
            assertThat(seen.getFirst().addresses()).hasSize(16);
            assertThatThrownBy(() -> q.driver.add(new long[17], new long[17], 17, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("longer than the queue size 16");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void dataFlowsBothWaysAndUsedLenIsTheBytesWritten(boolean eventIdx) {
        try (QueuePair q = new QueuePair(8, eventIdx, new Echo())) {
            MemorySegment mem = q.memory.segment();
            long request = q.buffers;
            long reply = q.buffers + 4096;
            for (int i = 0; i < 100; i++) {
                mem.set(ValueLayout.JAVA_BYTE, request + i, (byte) (i * 7 + 1));
            }
            mem.asSlice(reply, 300).fill((byte) 0x5a);

            int head = q.driver.add(request, 100, reply, 300);
            q.device.processAvailable();
            long[] len = new long[1];
            q.driver.harvest((id, n) -> len[0] = n);

            assertThat(len[0]).isEqualTo(100);
            assertThat(mem.asSlice(reply, 100).toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(mem.asSlice(request, 100).toArray(ValueLayout.JAVA_BYTE));
            assertThat(mem.asSlice(reply + 100, 200).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5a);
            assertThat(head).isNotNegative();

            // A reply buffer smaller than the request: len counts only what fit.
            q.driver.add(request, 100, reply, 40);
            q.device.processAvailable();
            q.driver.harvest((id, n) -> len[0] = n);
            assertThat(len[0]).isEqualTo(40);
        }
    }

    @Test
    void theDeviceNeverWritesDeviceReadableBuffers() {
        try (QueuePair q = new QueuePair(8, true, chain -> {
            assertThatThrownBy(() -> chain.readable(0).set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            // scatter only reaches writable buffers, however much is offered
            return chain.scatter(0, MemorySegment.ofArray(new byte[1000]).fill((byte) 0x11));
        })) {
            MemorySegment mem = q.memory.segment();
            long r1 = q.buffers;
            long r2 = q.buffers + 512;
            long w = q.buffers + 1024;
            mem.asSlice(r1, 1024).fill((byte) 0x77);
            mem.asSlice(w + 64, 64).fill((byte) 0x33);
            q.driver.add(new long[] {r1, r2, w}, new long[] {64, 64, 64}, 2, 1);
            q.device.processAvailable();
            long[] len = new long[1];
            q.driver.harvest((id, n) -> len[0] = n);
            assertThat(len[0]).isEqualTo(64);
            assertThat(mem.asSlice(r1, 1024).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x77);
            assertThat(mem.asSlice(w, 64).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x11);
            assertThat(mem.asSlice(w + 64, 64).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x33);
        }
    }

    @Test
    void gatherAndScatterCrossDescriptorBoundaries() {
        // "The device MUST NOT make assumptions about the particular arrangement of descriptors."
        try (QueuePair q = new QueuePair(8, true, new Echo())) {
            MemorySegment mem = q.memory.segment();
            long r = q.buffers;
            for (int i = 0; i < 30; i++) {
                mem.set(ValueLayout.JAVA_BYTE, r + i, (byte) i);
            }
            long w = q.buffers + 1024;
            // request split 3 + 20 + 7 bytes, reply split 1 + 29 bytes
            q.driver.add(new long[] {r, r + 3, r + 23, w, w + 100}, new long[] {3, 20, 7, 1, 29}, 3, 2);
            q.device.processAvailable();
            q.driver.harvest((id, n) -> assertThat(n).isEqualTo(30));
            assertThat(mem.get(ValueLayout.JAVA_BYTE, w)).isEqualTo((byte) 0);
            for (int i = 1; i < 30; i++) {
                assertThat(mem.get(ValueLayout.JAVA_BYTE, w + 99 + i)).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void gatherFromOneReadableBufferCopiesWhatFitsAndNoMore() {
        // gather's one-buffer path against the stream it shortcuts: a destination larger than the
        // buffer, one smaller, an offset start, and an empty buffer.
        long[] copied = new long[4];
        byte[][] seen = new byte[4][];
        ChainHandler handler = chain -> {
            MemorySegment large = MemorySegment.ofArray(new byte[48]).fill((byte) 0x77);
            MemorySegment small = MemorySegment.ofArray(new byte[8]);
            MemorySegment offset = MemorySegment.ofArray(new byte[48]);
            copied[0] = chain.gather(0, large);
            copied[1] = chain.gather(0, small);
            copied[2] = chain.gather(5, offset);
            copied[3] = chain.gather(0, MemorySegment.ofArray(new byte[0]));
            seen[0] = large.toArray(ValueLayout.JAVA_BYTE);
            seen[1] = small.toArray(ValueLayout.JAVA_BYTE);
            seen[2] = offset.toArray(ValueLayout.JAVA_BYTE);
            return 0;
        };
        try (QueuePair q = new QueuePair(8, true, handler)) {
            MemorySegment mem = q.memory.segment();
            for (int i = 0; i < 32; i++) {
                mem.set(ValueLayout.JAVA_BYTE, q.buffers + i, (byte) (i + 1));
            }
            q.driver.add(new long[] {q.buffers}, new long[] {32}, 1, 0);
            q.device.processAvailable();

            assertThat(copied).containsExactly(32, 8, 27, 0);
            for (int i = 0; i < 48; i++) {
                assertThat(seen[0][i]).as("byte %d of the larger destination", i).isEqualTo(i < 32 ? (byte) (i + 1) : (byte) 0x77);
            }
            assertThat(seen[1]).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(seen[2][0]).isEqualTo((byte) 6);
            assertThat(seen[2][26]).isEqualTo((byte) 32);
            assertThat(seen[2][27]).isZero();
        }
        try (QueuePair q = new QueuePair(8, true, handler)) {
            q.driver.add(new long[] {q.buffers}, new long[] {0}, 1, 0);
            q.device.processAvailable();
            assertThat(copied).containsExactly(0, 0, 0, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void freeRunningIndexesWrapPast65535(boolean eventIdx) {
        int total = 3 * 65536 + 123;
        try (QueuePair q = new QueuePair(4, eventIdx, new Echo())) {
            MemorySegment mem = q.memory.segment();
            long[] seqOfHead = new long[4];
            long request = q.buffers;
            long[] expected = {0};
            int sawIdxWrap = 0;
            for (long seq = 0; seq < total; seq++) {
                long req = request + 16 * (seq & 1);
                long reply = request + 64 + 16 * (seq & 1);
                mem.set(ValueLayout.JAVA_LONG, req, seq);
                mem.set(ValueLayout.JAVA_LONG, reply, -1);
                int head = q.driver.add(req, 8, reply, 8);
                seqOfHead[head] = seq;
                q.driver.kickIfNeeded();
                if ((seq & 1) == 1) {
                    int availBefore = q.device.lastAvailIdx();
                    q.device.processAvailable();
                    if (q.device.lastAvailIdx() < availBefore) {
                        sawIdxWrap++;
                    }
                    q.driver.harvest((id, len) -> {
                        long s = seqOfHead[id];
                        assertThat(s).isEqualTo(expected[0]++);
                        assertThat(len).isEqualTo(8);
                        assertThat(mem.get(ValueLayout.JAVA_LONG, request + 64 + 16 * (s & 1))).isEqualTo(s);
                    });
                }
            }
            q.device.processAvailable();
            q.driver.harvest((id, len) -> expected[0]++);
            assertThat(expected[0]).isEqualTo(total);
            assertThat(sawIdxWrap).isEqualTo(3);
            assertThat(q.read16(q.layout.availIdx())).isEqualTo(total & 0xffff);
            assertThat(q.read16(q.layout.usedIdx())).isEqualTo(total & 0xffff);
            assertThat(q.driver.lastUsedIdx()).isEqualTo(total & 0xffff);
            assertThat(q.device.chainsServed()).isEqualTo(total);
            assertThat(q.driver.freeDescriptors()).isEqualTo(4);
        }
    }

    @Test
    void addRefusesBadBuffersAndWritesNothing() {
        try (QueuePair q = new QueuePair(8, true, new Echo(), 1 << 16)) {
            long size = q.guest.size();
            assertThatThrownBy(() -> q.driver.add(size - 8, 16, q.buffers, 8))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("buffer 0 (readable, addr 0x" + Long.toHexString(size - 8) + ", len 16)")
                    .hasMessageContaining("outside guest memory of " + size + " bytes");
            assertThatThrownBy(() -> q.driver.add(q.buffers, 8, -4096, 8))
                    .hasMessageContaining("buffer 1 (writable, addr 0xfffffffffffff000, len 8)");
            assertThatThrownBy(() -> q.driver.add(q.buffers, 8, q.buffers, 1L << 32))
                    .hasMessageContaining("not a u32");
            assertThatThrownBy(() -> q.driver.add(q.layout.usedRing(), 8, q.buffers, 8))
                    .hasMessageContaining("overlaps the queue's used ring");
            assertThatThrownBy(() -> q.driver.add(new long[1], new long[1], 0, 0))
                    .hasMessageContaining("at least one buffer");
            assertThat(q.driver.freeDescriptors()).isEqualTo(8);
            assertThat(q.driver.availIdx()).isZero();
            assertThat(q.read16(q.layout.availIdx())).isZero();
            assertThat(q.memory.segment().asSlice(q.layout.descriptorTable(), 16 * 8).toArray(ValueLayout.JAVA_BYTE))
                    .containsOnly((byte) 0);
        }
    }

    @Test
    void descriptorsAreReusedAfterHarvestWhateverTheChainLengths() {
        try (QueuePair q = new QueuePair(8, true, new Echo())) {
            long b = q.buffers;
            for (int round = 0; round < 1000; round++) {
                int n = 1 + round % 5;
                long[] addr = new long[n];
                long[] len = new long[n];
                for (int i = 0; i < n; i++) {
                    addr[i] = b + 32L * i;
                    len[i] = 8;
                }
                int heads = 0;
                while (q.driver.add(addr, len, Math.max(1, n - 1), n == 1 ? 0 : 1) >= 0) {
                    heads++;
                }
                assertThat(heads).isEqualTo(8 / n);
                q.device.processAvailable();
                assertThat(q.driver.harvest((id, l) -> { })).isEqualTo(heads);
                assertThat(q.driver.freeDescriptors()).isEqualTo(8);
                assertThat(q.driver.chainsInFlight()).isZero();
            }
        }
    }
}
