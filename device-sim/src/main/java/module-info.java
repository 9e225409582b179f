/**
 * Simulated devices that race driver code over shared memory: the device framework, reference
 * devices, the ivshmem server (which calls libc through {@code java.lang.foreign}, so the module
 * needs {@code --enable-native-access=dev.sysmem.sim}) and devices in another process. Carries
 * neither JUnit nor picocli: those live in {@code dev.sysmem.sim.junit} and {@code dev.sysmem.cli}.
 */
module dev.sysmem.sim {
    requires transitive dev.sysmem.core;

    exports dev.sysmem.sim;
    exports dev.sysmem.sim.chaos;
    exports dev.sysmem.sim.edu;
    exports dev.sysmem.sim.ivshmem;
    exports dev.sysmem.sim.mailbox;
    exports dev.sysmem.sim.remote;
    exports dev.sysmem.sim.vhost;
    exports dev.sysmem.sim.virtio;
}
