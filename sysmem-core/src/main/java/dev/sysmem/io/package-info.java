/**
 * Typed, checked access to memory shared with hardware: the Java counterpart of the Linux
 * kernel's Rust {@code kernel::io} layer, for drivers, device emulators and lock-free protocols
 * that talk to a device through shared memory. It depends on nothing but the JDK
 * ({@code java.lang.foreign} and {@code VarHandle}).
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>{@link dev.sysmem.io.Io}: the interface driver code reads and writes through, at 8, 16, 32
 *       and 64 bits ({@link dev.sysmem.io.Width}), with read-modify-write helpers;
 *       {@link dev.sysmem.io.AtomicIo} adds the 32/64-bit atomics, for memory (not registers).</li>
 *   <li>{@link dev.sysmem.io.SysMem}: the {@code AtomicIo} over a native memory segment, in one of
 *       the {@link dev.sysmem.io.AccessMode}s, either byte order; slices and layout projections of
 *       it are views of their own; {@code SysMem.intercepted} hands every access to a handler.</li>
 *   <li>{@link dev.sysmem.io.SharedMemory}: anonymous memory for threads of one JVM, a sealed
 *       memfd to share with other processes and QEMU, or a file (under {@code /dev/shm}, or a
 *       QEMU {@code ivshmem} backing file) at a path.</li>
 *   <li>{@link dev.sysmem.io.Register}, {@link dev.sysmem.io.Field},
 *       {@link dev.sysmem.io.RegisterValue}, {@link dev.sysmem.io.RegisterArray}: register
 *       definitions with named bit fields, aliases, relative offsets and arrays.</li>
 *   <li>{@link dev.sysmem.io.Poll}: reading until a condition holds, with a deadline.</li>
 *   <li>{@link dev.sysmem.io.Barriers}: the kernel's memory barriers on {@code VarHandle} fences.</li>
 *   <li>{@link dev.sysmem.io.AccessCheck}, {@link dev.sysmem.io.MemoryFault}: the checks every
 *       access passes and the fault a vanished mapping raises.</li>
 * </ul>
 *
 * <h2>Kernel to Java, in brief</h2>
 * <table>
 *   <caption>The kernel's I/O concepts and their counterparts here</caption>
 *   <tr><th>kernel</th><th>here</th></tr>
 *   <tr><td>{@code Io}: {@code read8..read64}, {@code write8..write64}, {@code try_*}, {@code update}</td>
 *       <td>{@link dev.sysmem.io.Io}; the checks run on every access, so there is one method per width</td></tr>
 *   <tr><td>{@code IoCapable<u8|u16|u32|u64>}</td>
 *       <td>{@link dev.sysmem.io.Io#widths()}, narrowed by {@link dev.sysmem.io.SysMem#withWidths}</td></tr>
 *   <tr><td>{@code IoBackend}, {@code View}, {@code project_view}</td>
 *       <td>{@link dev.sysmem.io.SysMem#slice}, {@link dev.sysmem.io.SysMem#project}</td></tr>
 *   <tr><td>the lifetime {@code 'a} of a mapping</td>
 *       <td>the segment's {@code Arena}: an access after close is an {@code IllegalStateException}</td></tr>
 *   <tr><td>{@code SysMem} ({@code read_volatile}), {@code READ_ONCE}/{@code WRITE_ONCE}</td>
 *       <td>{@link dev.sysmem.io.SysMem} in {@link dev.sysmem.io.AccessMode#OPAQUE}, the default</td></tr>
 *   <tr><td>{@code readl}/{@code writel} ordering, {@code smp_load_acquire}/{@code smp_store_release}</td>
 *       <td>{@link dev.sysmem.io.AccessMode#ACQUIRE_RELEASE}</td></tr>
 *   <tr><td>{@code RelaxedMmio}</td><td>{@link dev.sysmem.io.SysMem#relaxed()}</td></tr>
 *   <tr><td>{@code register!} (fields, aliases, base + offset, arrays)</td>
 *       <td>{@link dev.sysmem.io.Register} and its builder; build-time checks become definition-time checks</td></tr>
 *   <tr><td>{@code read_poll_timeout}, {@code read_poll_timeout_atomic}</td>
 *       <td>{@link dev.sysmem.io.Poll#readPollTimeout}, {@link dev.sysmem.io.Poll#readPollAtomic}</td></tr>
 *   <tr><td>{@code mb}/{@code rmb}/{@code wmb}, {@code dma_rmb}/{@code dma_wmb}</td>
 *       <td>{@link dev.sysmem.io.Barriers}</td></tr>
 * </table>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Checked before memory.</b> An access outside the region (negative, past the end, or
 *       large enough to overflow), misaligned in absolute terms, of a width the view refuses, a
 *       write to a read-only view, or a value too wide for its width throws before anything is
 *       read or written, with a message naming the region, its size, the offset and the width.
 *       The exception types are those {@code java.lang.foreign} uses for the same faults.</li>
 *   <li><b>Never torn, never elided.</b> Aligned accesses in {@code OPAQUE} and stronger modes are
 *       single-copy atomic, coherent per location and not merged or dropped by the JIT; each mode's
 *       ordering claims are shown by the jcstress suites of the {@code stress-tests} module.</li>
 *   <li><b>The JVM survives the memory going away.</b> After close, accesses throw
 *       {@code IllegalStateException}; after a peer truncates a shared file, the access that
 *       touches a lost page throws {@link dev.sysmem.io.MemoryFault}, interpreted or JIT-compiled
 *       (its documentation states the one window the JDK leaves open).</li>
 *   <li><b>Every wait ends.</b> {@link dev.sysmem.io.Poll} has no "forever": a deadline or a retry
 *       count bounds every poll, and it reads once more after seeing the deadline pass.</li>
 *   <li><b>Values, not state.</b> Views, registers, fields and register values are immutable; a
 *       view can only narrow (a sub-range, fewer widths, read-only), never widen.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.create(Path.of("/dev/shm/nic0"), 4096)) {
 *     SysMem bar = shm.io("nic0");
 *     CTRL.write(bar, CTRL.resetValue().with(ENABLE, 1));
 *     int status = Poll.readPollTimeout(() -> bar.read32(STATUS_OFFSET), s -> (s & READY) != 0,
 *             Duration.ofNanos(10_000), Duration.ofMillis(5));
 * }
 * }</pre>
 */
package dev.sysmem.io;
