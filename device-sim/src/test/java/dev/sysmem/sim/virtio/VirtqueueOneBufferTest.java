package dev.sysmem.sim.virtio;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-buffer adds ({@link VirtqueueDriver#addReadableToBatch}, {@link VirtqueueDriver#addWritableToBatch})
 * are the general {@link VirtqueueDriver#addToBatch(long[], long[], int, int)} for a chain of one:
 * the same verdict and message for every buffer at the edges the general path is tested at
 * ({@link VirtqueueBoundaryTest}), the same words in the rings, and the same chains served and
 * harvested, with and without {@code VIRTIO_F_IN_ORDER}.
 */
class VirtqueueOneBufferTest {

    private static final int MEMORY = 1 << 16;
    private static final VirtioFeatures PLAIN = VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX);
    private static final VirtioFeatures IN_ORDER =
            VirtioFeatures.of(VirtioFeatures.VERSION_1, VirtioFeatures.EVENT_IDX, VirtioFeatures.IN_ORDER);

    /** Where the rings start in the second set of cases: parts not at 0, so addresses below them are buffers. */
    private static final long HIGH = 0x8000;

    /**
     * Buffers at every edge, for a queue of 8 at offset 0: descriptor table [0x0, 0x80), available
     * ring [0x80, 0x96), used ring [0x98, 0xde), guest memory [0, 0x10000); then the same queue at
     * {@link #HIGH}.
     */
    static Stream<Arguments> buffers() {
        List<Arguments> cases = new ArrayList<>();
        for (VirtioFeatures features : List.of(PLAIN, IN_ORDER)) {
            for (boolean writable : new boolean[] {false, true}) {
                for (long[] buffer : new long[][] {
                        {HIGH - 1, 2},              // into the descriptor table from below
                        {HIGH - 2, 2},              // ending right before it
                        {-1, 1},                    // negative, ending below the parts
                        {HIGH + 0x96, 2},           // the gap between the rings
                        {HIGH + 0xde, 0x100},       // after the used ring
                }) {
                    cases.add(Arguments.of(features, writable, HIGH, buffer[0], buffer[1]));
                }
                for (long[] buffer : new long[][] {
                        {0x1000, 64},               // an ordinary buffer
                        {MEMORY - 16, 16},          // ends at the last byte of guest memory
                        {MEMORY - 16, 17},          // one byte more
                        {MEMORY, 0},                // empty, at the end
                        {0, 0},                     // empty, at address 0 (touches the table, overlaps nothing)
                        {-1, 16},                   // a negative address
                        {0x1000, 0xffff_ffffL},     // a u32, but past the end of memory
                        {0x1000, 1L << 32},         // not a u32
                        {0x1000, -1},               // negative
                        {0x96, 2},                  // the gap between the rings: the cheap test trips, the exact one passes
                        {0x95, 2},                  // into the available ring
                        {0x97, 2},                  // into the used ring
                        {0x7f, 1},                  // the descriptor table's last byte
                        {0xde, 16},                 // right after the used ring
                }) {
                    cases.add(Arguments.of(features, writable, 0L, buffer[0], buffer[1]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, writable {1}, rings at {2}, addr {3}, len {4}")
    @MethodSource("buffers")
    void aOneBufferAddIsTheGeneralAddOfAChainOfOne(VirtioFeatures features, boolean writable, long base, long address,
                                                   long length) {
        try (QueuePair general = new QueuePair(8, features, new Echo(), MEMORY, base);
             QueuePair one = new QueuePair(8, features, new Echo(), MEMORY, base)) {
            // A chain first, so the buffer goes into a descriptor other than the first.
            general.driver.addToBatch(new long[] {0x2000}, new long[] {8}, 1, 0);
            one.driver.addToBatch(new long[] {0x2000}, new long[] {8}, 1, 0);

            String expected = outcome(general, () -> general.driver.addToBatch(new long[] {address}, new long[] {length},
                    writable ? 0 : 1, writable ? 1 : 0));
            String actual = outcome(one, () -> writable ? one.driver.addWritableToBatch(address, length)
                    : one.driver.addReadableToBatch(address, length));

            assertThat(actual).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void aFullQueueOfOneBufferChainsIsServedAndHarvestedAsTheGeneralOne(VirtioFeatures features) {
        try (QueuePair general = new QueuePair(8, features, new Echo(), MEMORY);
             QueuePair one = new QueuePair(8, features, new Echo(), MEMORY)) {
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 9; i++) {
                    long at = 0x1000 + 0x100L * i;
                    // Echo copies the readable stream into the writable one: alternate the kinds.
                    boolean writable = i % 2 == 1;
                    expected.add(outcome(general, () -> general.driver.addToBatch(new long[] {at}, new long[] {32},
                            writable ? 0 : 1, writable ? 1 : 0)));
                    actual.add(outcome(one, () -> writable ? one.driver.addWritableToBatch(at, 32)
                            : one.driver.addReadableToBatch(at, 32)));
                }
                for (QueuePair q : List.of(general, one)) {
                    q.driver.kickIfNeeded();
                    q.device.processAvailable();
                }
                List<String> harvested = new ArrayList<>();
                general.driver.harvest((head, written) -> harvested.add(head + ":" + written));
                expected.add(String.join(",", harvested));
                harvested.clear();
                one.driver.harvest((head, written) -> harvested.add(head + ":" + written));
                actual.add(String.join(",", harvested));
            }
            assertThat(actual).isEqualTo(expected);
            assertThat(expected).as("the queue filled up (-1) and chains were harvested").anyMatch(s -> s.startsWith("-1 "))
                    .anyMatch(s -> s.contains(":"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void theDeviceSeesAOneBufferChainAsItsOneBuffer(VirtioFeatures features) {
        List<String> seen = new ArrayList<>();
        ChainHandler record = chain -> {
            seen.add("head " + chain.head() + ": " + chain.descriptorCount() + " descriptor, " + chain.readableCount()
                    + " readable of " + chain.readableBytes() + " B, " + chain.writableCount() + " writable of "
                    + chain.writableBytes() + " B, addr 0x" + Long.toHexString(chain.address(0)) + " len "
                    + chain.length(0) + (chain.isWritable(0) ? " writable" : " readable"));
            return chain.writableBytes() > 0 ? 3 : 0;
        };
        try (QueuePair q = new QueuePair(8, features, record, MEMORY)) {
            int readable = q.driver.addReadableToBatch(0x1000, 64);
            int writable = q.driver.addWritableToBatch(0x2000, 32);
            q.driver.kickIfNeeded();
            assertThat(q.device.processAvailable()).isEqualTo(2);
            List<String> harvested = new ArrayList<>();
            q.driver.harvest((head, written) -> harvested.add(head + ":" + written));

            assertThat(seen).containsExactly(
                    "head " + readable + ": 1 descriptor, 1 readable of 64 B, 0 writable of 0 B, addr 0x1000 len 64 readable",
                    "head " + writable + ": 1 descriptor, 0 readable of 0 B, 1 writable of 32 B, addr 0x2000 len 32 writable");
            assertThat(harvested).containsExactly(readable + ":0", writable + ":3");
        }
    }

    static Stream<VirtioFeatures> modes() {
        return Stream.of(PLAIN, IN_ORDER);
    }

    /**
     * What an add did: its result or the exception's class and message, the driver's counts, and
     * every byte of the rings (the buffers are the caller's and the driver never writes them).
     */
    private static String outcome(QueuePair q, IntSupplier add) {
        String result;
        try {
            result = Integer.toString(add.getAsInt());
        } catch (RuntimeException e) {
            result = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        byte[] rings = new byte[(int) q.layout.end()];
        for (int i = 0; i < rings.length; i++) {
            rings[i] = (byte) q.guest.read8(i);
        }
        return result + " free=" + q.driver.freeDescriptors() + " inFlight=" + q.driver.chainsInFlight()
                + " added=" + q.driver.chainsAdded() + " unpublished=" + q.driver.unpublished()
                + " rings=" + HexFormat.of().formatHex(rings);
    }
}
