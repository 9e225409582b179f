package dev.sysmem.io;

import dev.sysmem.io.spi.Fence;
import dev.sysmem.io.spi.Scheduling;

import java.lang.invoke.VarHandle;

/**
 * Memory barriers with the kernel's names, on {@link VarHandle} fences. Use them with
 * {@link AccessMode#OPAQUE} views to build the orderings a protocol needs (a VIRTIO driver does
 * {@link #wmb()} between filling the ring and publishing the index), or use an
 * {@link AccessMode#ACQUIRE_RELEASE} view and need none.
 *
 * <p><b>Guarantees</b>, as the JDK states them for the fence each method uses. The Java fences
 * are not cumulative in the LKMM sense except {@link #mb()}; protocols that need cumulativity use
 * {@code mb}, as the kernel's do.
 *
 * <table>
 *   <caption>Barriers and the fences behind them</caption>
 *   <tr><th>method</th><th>kernel</th><th>fence</th><th>orders</th></tr>
 *   <tr><td>{@link #mb()}</td><td>{@code mb}, {@code smp_mb}</td><td>{@code fullFence}</td><td>all loads and stores</td></tr>
 *   <tr><td>{@link #rmb()}</td><td>{@code rmb}, {@code smp_rmb}</td><td>{@code loadLoadFence}</td><td>loads before against loads after</td></tr>
 *   <tr><td>{@link #wmb()}</td><td>{@code wmb}, {@code smp_wmb}</td><td>{@code storeStoreFence}</td><td>stores before against stores after</td></tr>
 *   <tr><td>{@link #dmaRmb()}</td><td>{@code dma_rmb}</td><td>{@code loadLoadFence}</td><td>as {@code rmb}, for memory a device writes</td></tr>
 *   <tr><td>{@link #dmaWmb()}</td><td>{@code dma_wmb}</td><td>{@code storeStoreFence}</td><td>as {@code wmb}, for memory a device reads</td></tr>
 * </table>
 *
 * <pre>{@code
 * ring.write16(AVAIL_RING + 2 * (idx % size), head);
 * Barriers.wmb();                       // the entry before the index that publishes it
 * ring.write16(AVAIL_IDX, idx + 1);
 * }</pre>
 */
public final class Barriers {

    private Barriers() {
    }

    /** Full barrier: no load or store moves across it, in either direction; globally ordered. */
    public static void mb() {
        Scheduling.fence(Fence.MB);
        VarHandle.fullFence();
    }

    /** Read barrier: loads before it complete before loads after it. */
    public static void rmb() {
        Scheduling.fence(Fence.RMB);
        VarHandle.loadLoadFence();
    }

    /** Write barrier: stores before it become visible before stores after it. */
    public static void wmb() {
        Scheduling.fence(Fence.WMB);
        VarHandle.storeStoreFence();
    }

    /** {@link #rmb()} for reading what a device wrote to shared memory (descriptor, then data). */
    public static void dmaRmb() {
        Scheduling.fence(Fence.DMA_RMB);
        VarHandle.loadLoadFence();
    }

    /** {@link #wmb()} for memory a device will read (data, then descriptor, then index). */
    public static void dmaWmb() {
        Scheduling.fence(Fence.DMA_WMB);
        VarHandle.storeStoreFence();
    }
}
