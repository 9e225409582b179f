package dev.sysmem.litmus;

import dev.sysmem.litmus.model.LitmusProgram;
import dev.sysmem.litmus.model.Observable;

import java.util.List;

/** What {@link JcstressTranslator} made of one litmus program: a jcstress test, or a refusal with its reason. */
public sealed interface Translation {

    /** The program translated. */
    LitmusProgram program();

    /**
     * A jcstress test for the program.
     *
     * @param className    the test's fully qualified class name
     * @param source       its Java source
     * @param observables  the condition's observables, in the order of the jcstress outcome's values
     * @param dependencies the unordered dependencies of the program ({@link DependencyRule})
     */
    record Test(LitmusProgram program, String className, String source, List<Observable> observables,
                List<DependencyRule.Edge> dependencies) implements Translation {

        public Test {
            observables = List.copyOf(observables);
            dependencies = List.copyOf(dependencies);
        }

        /** Whether the file's {@code Never} rests on a dependency that sysmem's mapping does not promise. */
        public boolean restsOnDependency() {
            return DependencyRule.restsOnDependency(program);
        }
    }

    /** The program is not translated, for {@code reason} (which names the construct and its line). */
    record Refused(LitmusProgram program, String reason) implements Translation {
    }
}
