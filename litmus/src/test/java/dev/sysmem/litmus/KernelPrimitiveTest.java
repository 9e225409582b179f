package dev.sysmem.litmus;

import dev.sysmem.litmus.runtime.KernelOps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class KernelPrimitiveTest {

    @Test
    void theReadmeShowsTheTableTheCodeUses() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("litmus/README.md must contain KernelPrimitive.markdownTable() verbatim; regenerate it")
                .contains(KernelPrimitive.markdownTable());
    }

    @Test
    void everyRowCallsAKernelOpsMethod() {
        Set<String> methods = Arrays.stream(KernelOps.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        Pattern call = Pattern.compile("KernelOps\\.(\\w+)\\(");
        for (KernelPrimitive p : KernelPrimitive.all()) {
            Matcher m = call.matcher(p.java());
            assertThat(m.find()).as(p.name()).isTrue();
            assertThat(methods).as(p.name()).contains(m.group(1));
            assertThat(KernelPrimitive.refusal(p.name())).as(p.name() + " is both mapped and refused").isEmpty();
        }
    }

    @Test
    void fullyOrderedRmwsAreFullBarriersAndTheirSuffixedFormsAreNot() {
        assertThat(KernelPrimitive.of("xchg").orElseThrow().effects()).contains(KernelPrimitive.Effect.FULL_BARRIER);
        assertThat(KernelPrimitive.of("xchg").orElseThrow().java()).contains("RmwOrdering.FULL");
        assertThat(KernelPrimitive.of("xchg_relaxed").orElseThrow().effects()).doesNotContain(KernelPrimitive.Effect.FULL_BARRIER);
        assertThat(KernelPrimitive.of("cmpxchg_acquire").orElseThrow().effects()).contains(KernelPrimitive.Effect.ACQUIRE);
        assertThat(KernelPrimitive.of("atomic_add").orElseThrow().returnsValue()).isFalse();
    }
}
