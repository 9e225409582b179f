package dev.sysmem.sim.junit;

import dev.sysmem.explore.junit.RaceTestExtension;
import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension's module descriptor as the JVM running these tests resolved it: surefire runs them
 * patched into the module on the module path. Goes red if the descriptor is lost (the classes then
 * sit in the unnamed module), renamed, exports other packages, opens anything, or stops giving a
 * user's test module JUnit's API, the devices and the explorer by requiring this one module.
 */
class ExtensionModuleTest {

    private static final Module EXTENSION = DeviceExtension.class.getModule();

    private static ModuleDescriptor descriptor() {
        assertThat(EXTENSION.isNamed()).as("%s is in a named module, not %s", DeviceExtension.class, EXTENSION).isTrue();
        return EXTENSION.getDescriptor();
    }

    @Test
    void bothExtensionsAreInTheNamedModuleDevSysmemJunit() {
        assertThat(descriptor().name()).isEqualTo("dev.sysmem.junit");
        assertThat(RaceTestExtension.class.getModule()).isSameAs(EXTENSION);
    }

    @Test
    void itExportsTheDeviceAndTheRaceTestPackagesToEveryModuleAndOpensNothing() {
        assertThat(descriptor().exports()).allSatisfy(e -> assertThat(e.isQualified()).as("%s", e).isFalse())
                .extracting(Exports::source).containsExactlyInAnyOrder("dev.sysmem.sim.junit", "dev.sysmem.explore.junit");
        assertThat(descriptor().opens()).as("JUnit makes the extensions through their public constructors").isEmpty();
        assertThat(descriptor().isOpen()).isFalse();
    }

    /**
     * A user's test module that requires only {@code dev.sysmem.junit}, resolved against this JVM's
     * modules: it must read what the annotations, extensions and injected parameters are made of.
     */
    @Test
    void aTestModuleThatRequiresTheExtensionReadsJunitsApiTheDevicesTheCoreAndTheExplorer() {
        ModuleDescriptor user = ModuleDescriptor.newModule("user.tests").requires("dev.sysmem.junit").build();
        Configuration boot = EXTENSION.getLayer().configuration();
        Configuration resolved = boot.resolve(new SingleModuleFinder(user), ModuleFinder.of(), Set.of("user.tests"));
        assertThat(resolved.findModule("user.tests").orElseThrow().reads()).extracting(ResolvedModule::name)
                .contains("dev.sysmem.junit", "org.junit.jupiter.api", "org.junit.platform.commons", "dev.sysmem.sim",
                        "dev.sysmem.core", "dev.sysmem.explore");
    }

    /** Finds one module with no contents: resolution reads descriptors only. */
    private record SingleModuleFinder(ModuleDescriptor descriptor) implements ModuleFinder {

        @Override
        public Optional<ModuleReference> find(String name) {
            return name.equals(descriptor.name()) ? Optional.of(reference()) : Optional.empty();
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.of(reference());
        }

        private ModuleReference reference() {
            return new ModuleReference(descriptor, URI.create("memory:///" + descriptor.name())) {
                @Override
                public ModuleReader open() {
                    return new ModuleReader() {
                        @Override
                        public Optional<URI> find(String resource) {
                            return Optional.empty();
                        }

                        @Override
                        public Stream<String> list() {
                            return Stream.empty();
                        }

                        @Override
                        public void close() {
                        }
                    };
                }
            };
        }
    }
}
