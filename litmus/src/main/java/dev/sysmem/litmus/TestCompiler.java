package dev.sysmem.litmus;

import dev.sysmem.io.SysMem;
import dev.sysmem.litmus.runtime.LitmusMemory;
import org.openjdk.jcstress.JCStress;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles translated tests with the running JDK's compiler and jcstress's annotation processor,
 * which writes each test's runner and the {@code META-INF/TestList} jcstress reads to find them.
 *
 * <p>Translation happens when the command runs, not at build time, because the command takes any
 * litmus file or directory a user names. The generated sources are written next to the classes,
 * so a reader can open what ran.
 */
final class TestCompiler {

    private TestCompiler() {
    }

    /**
     * Writes each test's source under {@code sources} and compiles all of them into {@code classes}.
     *
     * @throws IllegalStateException if the JDK has no compiler, or a generated test does not
     *                               compile (a translator bug: the message carries javac's errors)
     */
    static void compile(List<Translation.Test> tests, Path sources, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this Java runtime has no compiler (java.home " + System.getProperty("java.home")
                    + "): run the litmus command on a JDK 25");
        }
        List<Path> files = new ArrayList<>();
        for (Translation.Test t : tests) {
            Path file = sources.resolve(t.className().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, t.source(), StandardCharsets.UTF_8);
            files.add(file);
        }
        Files.createDirectories(classes);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-proc:full", "-d", classes.toString(), "-cp", classpath(List.of()),
                    "-implicit:none", "-nowarn", "-Xlint:none");
            boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                throw new IllegalStateException("generated litmus tests did not compile (a translator bug):\n"
                        + diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n")));
            }
        }
    }

    /**
     * The class path for compiling and running translated tests: {@code first}, this JVM's class
     * path, and the jars of jcstress, its option parser and JNA, sysmem-core and this module
     * (found from their classes, so it also works under a launcher whose class path is one jar).
     */
    static String classpath(List<Path> first) {
        Set<String> entries = new LinkedHashSet<>();
        first.forEach(p -> entries.add(p.toAbsolutePath().toString()));
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        for (String anchor : List.of(JCStress.class.getName(), SysMem.class.getName(), LitmusMemory.class.getName(),
                "joptsimple.OptionParser", "com.sun.jna.Native", "com.sun.jna.platform.win32.Kernel32")) {
            try {
                Class<?> c = Class.forName(anchor, false, TestCompiler.class.getClassLoader());
                var source = c.getProtectionDomain().getCodeSource();
                if (source != null) {
                    entries.add(Path.of(source.getLocation().toURI()).toAbsolutePath().toString());
                }
            } catch (ClassNotFoundException | URISyntaxException | SecurityException e) {
                // Not on this class path: jcstress runs without JNA (no CPU affinity), and the others are required
                // classes of this module, so they are present whenever this code runs.
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
