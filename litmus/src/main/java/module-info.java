/**
 * Herd-format C litmus tests run through SysMem: the parser ({@code dev.sysmem.litmus.model}), the
 * translation to jcstress tests and their run, exploration on the weak-memory model, and
 * {@code sysmem litmus}. Only {@code dev.sysmem.litmus.runtime} is exported: the translated tests
 * call it.
 *
 * <p><b>jcstress is on the class path, not a module.</b> jcstress-core 0.16's jar carries classes
 * in {@code sun.misc} and {@code jdk.internal.vm.annotation}, packages of JDK modules, so on the
 * module path it fails resolution ("Module jcstress.core contains package sun.misc, module
 * jdk.unsupported exports package sun.misc to jcstress.core"). This module therefore does not
 * require it; it reads the unnamed module instead, given
 * {@code --add-reads dev.sysmem.litmus=ALL-UNNAMED} (the launcher passes it, the build compiles
 * with it). The jcstress runs themselves are child JVMs on the class path.
 */
module dev.sysmem.litmus {
    requires dev.sysmem.cli;
    requires dev.sysmem.explore;
    requires info.picocli;
    // The translated tests are compiled when the command runs, with the JDK's compiler.
    requires java.compiler;

    exports dev.sysmem.litmus.runtime;
    // picocli reads and writes the commands' annotated fields reflectively.
    opens dev.sysmem.litmus to info.picocli;

    provides dev.sysmem.cli.SysmemCommand with dev.sysmem.litmus.LitmusSysmemCommand;
}
