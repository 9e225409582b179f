package dev.sysmem.io.spi;

/** The fences of {@code dev.sysmem.io.Barriers}, as a scheduler sees them. */
public enum Fence {
    /** {@code Barriers.mb()}: full fence. */
    MB,
    /** {@code Barriers.rmb()}: load-load fence. */
    RMB,
    /** {@code Barriers.wmb()}: store-store fence. */
    WMB,
    /** {@code Barriers.dmaRmb()}: load-load fence for memory a device wrote. */
    DMA_RMB,
    /** {@code Barriers.dmaWmb()}: store-store fence for memory a device will read. */
    DMA_WMB
}
