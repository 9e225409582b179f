package dev.sysmem.bench.ring;

import java.util.List;

/**
 * What one JVM of {@link RingCpuCost} measured, as a child JVM hands it to the run that started it.
 *
 * @param payloads one entry per payload size, in the order measured
 */
record RingCpuRun(List<Payload> payloads) {

    /**
     * One payload size's rounds.
     *
     * @param payload     bytes per buffer
     * @param contenders  the contenders' names; 0 and 1 are this build's virtqueue (plain,
     *                    {@code IN_ORDER}), 2 Agrona, 3 JCTools, 4 the split-ring floor, then pairs (plain,
     *                    {@code IN_ORDER}) of compared builds
     * @param nsPerBuffer per contender, per measured round: CPU nanoseconds per buffer
     */
    record Payload(int payload, List<String> contenders, double[][] nsPerBuffer) {
    }
}
