/**
 * The race explorer: controlled scheduling of driver and device threads at sysmem's own access
 * points (installed through {@code dev.sysmem.io.spi}), strategies, replay and traces
 * ({@code dev.sysmem.explore}); the weak-memory model ({@code dev.sysmem.explore.weak}); drivers
 * with known races beside their fixes, as examples and as the explorer's own proof
 * ({@code dev.sysmem.explore.races}). Calls no restricted method, so it needs no native access of
 * its own; the devices it schedules are {@code dev.sysmem.sim}'s.
 */
module dev.sysmem.explore {
    // Explored tests drive devices and shared memory: their types are in this module's API.
    requires transitive dev.sysmem.sim;

    exports dev.sysmem.explore;
    exports dev.sysmem.explore.races;
    exports dev.sysmem.explore.weak;
}
