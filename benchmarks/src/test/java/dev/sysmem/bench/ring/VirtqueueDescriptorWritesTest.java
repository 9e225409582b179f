package dev.sysmem.bench.ring;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the throughput benchmark's steady state the driver writes no descriptor word: each
 * descriptor gets back the buffer it held, so only the {@code avail.ring} entry is written per
 * buffer and {@code avail.idx} once per burst. The first round of the queue writes every
 * descriptor once (the table starts zeroed), which is what the first count sees.
 */
class VirtqueueDescriptorWritesTest {

    @ParameterizedTest(name = "IN_ORDER {0}")
    @ValueSource(booleans = {false, true})
    void theSteadyStateWritesNoDescriptor(boolean inOrder) {
        try (VirtqueueProducer producer = new VirtqueueProducer(64, inOrder)) {
            producer.startPollingDevice();
            for (int i = 0; i < 4 * RingShape.SLOTS; i++) {
                producer.sendBatched(VirtqueueThroughput.KICK_BATCH);
            }
            long first = producer.descriptorWrites();
            assertThat(first).as("every descriptor's addr and len written once (flags and next of a one-buffer readable chain are the table's zeroes)")
                    .isEqualTo(2L * RingShape.SLOTS);
            for (int i = 0; i < 20_000; i++) {
                producer.sendBatched(VirtqueueThroughput.KICK_BATCH);
            }
            assertThat(producer.descriptorWrites() - first).as("descriptor fields written after the first round")
                    .isZero();
        }
    }
}
