package dev.sysmem.explore;

/**
 * A test the explorer runs once per schedule, on a managed thread called {@code test}: it builds
 * fresh state (memory, devices, drivers) each time, starts the other threads through
 * {@link ExploredRun#thread} or a {@code DeviceRunner}, and fails by throwing (an assertion).
 */
@FunctionalInterface
public interface ExploredTest {
    void run(ExploredRun run) throws Exception;
}
