/**
 * JMH benchmarks of sysmem's access paths against the code a user would write instead, and the
 * runner that turns their results into a ratio table.
 *
 * <ul>
 *   <li>{@link dev.sysmem.bench.access}: the cost of one access, per width and mode, through
 *       {@code SysMem}, a raw {@code VarHandle}, Agrona's {@code UnsafeBuffer} and a
 *       {@code ByteBuffer} view; and a typed register update against mask-and-shift.</li>
 *   <li>{@link dev.sysmem.bench.report}: {@code BenchmarkRun} (runs a chosen set, fork by fork in
 *       interleaved rounds) and {@code RatioTable} (reads JMH JSON, prints the ratios).</li>
 * </ul>
 */
package dev.sysmem.bench;
