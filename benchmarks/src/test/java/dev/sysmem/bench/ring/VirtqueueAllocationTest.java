package dev.sysmem.bench.ring;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The virtqueue allocates nothing per buffer, as JMH's {@code gc} profiler counts it (every
 * thread's allocated bytes, divided by the operations): the driver thread adding and harvesting,
 * the device thread consuming. The control benchmark adds one per-buffer message string, the
 * allocation the driver's chain check used to make: it must read at least 40 bytes per operation,
 * or the profiler could not have seen the allocation this test forbids.
 *
 * <p>The limit is {@value #LIMIT} bytes per operation, half the smallest Java object (16 bytes
 * with compressed class pointers): an allocation on every buffer's path cannot stay under it. What
 * the profiler reads for the subject is not exactly zero, because it counts every thread of the
 * JVM and JMH's own per-iteration bookkeeping is divided by however many operations the iteration
 * managed; on a loaded machine, with fewer operations, that share grows (0.5-5 B/op were seen in
 * forked runs at load 19). An allocation once per kick (every 32 buffers) would also stay under
 * the limit: this test speaks for each buffer's path, not for the kick.
 *
 * <p>Runs in this JVM (no fork) for a few seconds: enough for C2 to compile the step.
 */
class VirtqueueAllocationTest {

    /** Bytes per operation below which nothing is allocated per buffer; see the class comment. */
    static final double LIMIT = 8.0;

    @Test
    void aBufferThroughTheVirtqueueAllocatesNothingAndTheControlShowsTheProfilerWouldSeeIt() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(VirtqueueAllocation.class.getName() + "\\.")
                .forks(0)
                .warmupIterations(4).warmupTime(TimeValue.milliseconds(300))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(300))
                .addProfiler(GCProfiler.class)
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        assertThat(allocatedBytesPerOp(results, "sendBatchedWithMessage")).isGreaterThanOrEqualTo(40.0);
        assertThat(allocatedBytesPerOp(results, "sendBatched")).isLessThan(LIMIT);
    }

    private static double allocatedBytesPerOp(Collection<RunResult> results, String method) {
        RunResult run = results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + method));
        Map<String, Result> secondary = run.getSecondaryResults();
        Result norm = secondary.get("gc.alloc.rate.norm");
        assertThat(norm).as("gc.alloc.rate.norm of %s among %s", method, secondary.keySet()).isNotNull();
        return norm.getScore();
    }
}
