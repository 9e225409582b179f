/**
 * The JUnit 5 integration: {@code @SimulatedDevice} and {@code DeviceExtension}
 * ({@code dev.sysmem.sim.junit}) start a simulated device for each test; {@code @RaceTest}
 * ({@code dev.sysmem.explore.junit}) runs a test method under the race explorer. Users add it at
 * test scope beside their JUnit; their tests see JUnit's API, the devices and the explorer
 * through it.
 *
 * <p>JUnit makes the extensions, which are public classes with public constructors in exported
 * packages, so nothing here is opened to it. {@code @RaceTest} invokes the user's test method
 * itself, once per schedule: a test class in a named module opens its package to
 * {@code dev.sysmem.junit}, as it does to JUnit.
 */
module dev.sysmem.junit {
    // The annotations, extensions and injected parameters are JUnit's, the devices' and the explorer's types.
    requires transitive org.junit.jupiter.api;
    requires transitive dev.sysmem.explore;
    requires transitive dev.sysmem.sim;

    exports dev.sysmem.explore.junit;
    exports dev.sysmem.sim.junit;
}
