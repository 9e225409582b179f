/** The JUnit 5 extension for driver tests: {@code @SimulatedDevice} starts a simulated device for each test. */
module dev.sysmem.sim.junit {
    requires transitive dev.sysmem.sim;
    requires transitive org.junit.jupiter.api;

    exports dev.sysmem.sim.junit;
}
