package dev.sysmem.explore;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The explorer's module descriptor as the JVM running these tests resolved it: surefire runs them
 * patched into the module on the module path. Goes red if the descriptor is lost (the classes
 * then sit in the unnamed module), renamed, or exports or requires other than its users rely on.
 */
class ExplorerModuleTest {

    private static ModuleDescriptor descriptor() {
        Module module = Explorer.class.getModule();
        assertThat(module.isNamed()).as("%s is in a named module, not %s", Explorer.class, module).isTrue();
        return module.getDescriptor();
    }

    @Test
    void theExplorerIsTheNamedModuleDevSysmemExplore() {
        assertThat(descriptor().name()).isEqualTo("dev.sysmem.explore");
    }

    @Test
    void itExportsTheExplorerTheWeakMemoryModelAndTheKnownRacesToEveryModule() {
        assertThat(descriptor().exports()).allSatisfy(e -> assertThat(e.isQualified()).as("%s", e).isFalse())
                .extracting(Exports::source)
                .containsExactlyInAnyOrder("dev.sysmem.explore", "dev.sysmem.explore.weak", "dev.sysmem.explore.races");
    }

    @Test
    void aModuleThatReadsTheExplorerReadsTheDevicesAndTheCoreItsApiNames() {
        assertThat(descriptor().requires()).filteredOn(r -> r.name().equals("dev.sysmem.sim")).singleElement()
                .satisfies(r -> assertThat(r.modifiers()).contains(Requires.Modifier.TRANSITIVE));
        assertThat(Explorer.class.getModule().getLayer().findModule("dev.sysmem.sim").orElseThrow().getDescriptor()
                .requires()).anySatisfy(r -> {
                    assertThat(r.name()).isEqualTo("dev.sysmem.core");
                    assertThat(r.modifiers()).contains(Requires.Modifier.TRANSITIVE);
                });
    }
}
