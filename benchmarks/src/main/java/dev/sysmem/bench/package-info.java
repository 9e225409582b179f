/**
 * JMH benchmarks of sysmem's access paths against the code a user would write instead, and the
 * runner that turns their results into a ratio table. {@link dev.sysmem.bench.Spin} and
 * {@link dev.sysmem.bench.BackgroundLoop} are how every two-thread benchmark waits and runs its
 * other side, the same for every contender.
 *
 * <ul>
 *   <li>{@code dev.sysmem.bench.access}: the cost of one access, per width and mode, through
 *       {@code SysMem}, a raw {@code VarHandle}, Agrona's {@code UnsafeBuffer} and a
 *       {@code ByteBuffer} view; and a typed register update against mask-and-shift, as JMH benchmarks (wall-clock).</li>
 *   <li>{@code dev.sysmem.bench.cputime}: the access cost in thread CPU time, contenders
 *       interleaved in short slices over many rounds and JVMs, loops of 16 accesses and single
 *       accesses, in JVMs that used one mode or all four: the measurement the access bars are
 *       judged by.</li>
 *   <li>{@code dev.sysmem.bench.roundtrip}: a doorbell round trip to a device-sim device, to a
 *       device in another JVM, and the floor and hand-off peers.</li>
 *   <li>{@code dev.sysmem.bench.ring}: buffers per second through a virtqueue, Agrona's
 *       {@code OneToOneRingBuffer} and JCTools' {@code SpscArrayQueue}.</li>
 *   <li>{@code dev.sysmem.bench.report}: {@code BenchmarkRun} (runs a chosen set, fork by fork in
 *       interleaved rounds) and {@code RatioTable} (reads JMH JSON, prints the ratios).</li>
 * </ul>
 */
package dev.sysmem.bench;
