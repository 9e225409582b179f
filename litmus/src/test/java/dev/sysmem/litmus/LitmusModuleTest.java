package dev.sysmem.litmus;

import dev.sysmem.cli.SysmemCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * litmus's module descriptor as the JVM running these tests resolved it: surefire runs them
 * patched into the module on the module path. Goes red if the descriptor is lost (the classes then
 * sit in the unnamed module), renamed, exports more than the runtime the translated tests call,
 * stops opening the commands to picocli, or no longer provides the launcher's subcommand.
 */
class LitmusModuleTest {

    private static final Module LITMUS = LitmusCommand.class.getModule();

    private static ModuleDescriptor descriptor() {
        assertThat(LITMUS.isNamed()).as("%s is in a named module, not %s", LitmusCommand.class, LITMUS).isTrue();
        return LITMUS.getDescriptor();
    }

    @Test
    void litmusIsTheNamedModuleDevSysmemLitmus() {
        assertThat(descriptor().name()).isEqualTo("dev.sysmem.litmus");
    }

    @Test
    void itExportsOnlyTheRuntimeOfTheTranslatedTests() {
        assertThat(descriptor().exports()).allSatisfy(e -> assertThat(e.isQualified()).as("%s", e).isFalse())
                .extracting(Exports::source).containsExactly("dev.sysmem.litmus.runtime");
        assertThat(LITMUS.isExported("dev.sysmem.litmus.model")).as("the parser is internal").isFalse();
        assertThat(LITMUS.isExported("dev.sysmem.litmus")).as("the commands are internal").isFalse();
    }

    @Test
    void itOpensItsCommandsToPicocliAndToNoOtherModule() {
        Module picocli = CommandLine.class.getModule();
        assertThat(picocli.getName()).isEqualTo("info.picocli");
        assertThat(LITMUS.isOpen("dev.sysmem.litmus", picocli)).isTrue();
        assertThat(descriptor().opens()).singleElement().satisfies(o -> {
            assertThat(o.source()).isEqualTo("dev.sysmem.litmus");
            assertThat(o.targets()).containsExactly("info.picocli");
        });
    }

    @Test
    void itProvidesTheLaunchersLitmusSubcommand() {
        assertThat(descriptor().provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(SysmemCommand.class.getName());
            assertThat(p.providers()).containsExactly(LitmusSysmemCommand.class.getName());
        });
    }
}
