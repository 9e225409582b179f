package dev.sysmem.litmus;

import dev.sysmem.litmus.model.LitmusParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file of the module's set translates (or is refused where it should be), and every translation compiles. */
class TestCompilerTest {

    @Test
    void everyTranslationOfTheSetCompilesWithItsJcstressRunner(@TempDir Path dir) throws IOException {
        List<Path> files = LitmusRun.litmusFiles(List.of(Path.of("src/test/litmus")));
        List<Translation.Test> tests = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Translation t = JcstressTranslator.translate(LitmusParser.parse(files.get(i)),
                    JcstressTranslator.className(i, files.get(i).getFileName().toString().replace(".litmus", "")));
            switch (t) {
                case Translation.Test test -> tests.add(test);
                case Translation.Refused r -> refused.add(files.get(i).getParent().getFileName() + "/" + r.program().name());
            }
        }
        assertThat(refused).as("only the files under unsupported/ are refused").allMatch(n -> n.startsWith("unsupported/"))
                .hasSize(4);
        assertThat(tests).hasSizeGreaterThanOrEqualTo(30);
        TestCompiler.compile(tests, dir.resolve("src"), dir.resolve("classes"));
        String testList = Files.readString(dir.resolve("classes/META-INF/TestList"));
        for (Translation.Test t : tests) {
            assertThat(dir.resolve("classes/" + t.className().replace('.', '/') + ".class")).exists();
            assertThat(testList).contains(t.className());
        }
    }
}
