package dev.sysmem.explore.junit;

import dev.sysmem.explore.ExplorationResult;
import dev.sysmem.explore.ExploredRun;
import dev.sysmem.explore.Explorer;
import dev.sysmem.explore.Strategy;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Runs a {@link RaceTest} method under the explorer: JUnit's single invocation is replaced by one
 * invocation per schedule, each on the explorer's {@code test} thread with that schedule's
 * {@link ExploredRun}. The method's name ({@code Class#method}) is the test name replay strings
 * carry. A bad declaration (unknown strategy, malformed replay string, a string for another test)
 * fails the test with an {@link ExtensionConfigurationException} naming it.
 */
public final class RaceTestExtension implements InvocationInterceptor, ParameterResolver {

    /** The system property that replays one schedule instead of exploring. */
    public static final String REPLAY_PROPERTY = "sysmem.replay";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ExploredRun.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // Each schedule gets its own ExploredRun, passed when the explorer invokes the method.
        return null;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext context) throws Throwable {
        invocation.skip();
        Method method = invocationContext.getExecutable();
        RaceTest declared = AnnotationSupport.findAnnotation(method, RaceTest.class).orElseThrow();
        String testName = method.getDeclaringClass().getName() + "#" + method.getName();
        Explorer explorer = explorer(declared, testName);
        Object target = invocationContext.getTarget().orElse(null);
        Object[] arguments = invocationContext.getArguments().toArray();
        method.setAccessible(true);
        ExplorationResult result = explorer.check(run -> {
            Object[] args = arguments.clone();
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == ExploredRun.class) {
                    args[i] = run;
                }
            }
            try {
                method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw rethrow(e.getCause());
            }
        });
        context.publishReportEntry("sysmem.explorer", result.summary());
        if (declared.requireExhausted() && !result.exhausted()) {
            throw new AssertionError("the exploration did not run every schedule within the bound: " + result.summary());
        }
    }

    private static Explorer explorer(RaceTest declared, String testName) {
        try {
            String replay = System.getProperty(REPLAY_PROPERTY, "");
            return Explorer.builder(testName)
                    .strategy(Strategy.parse(declared.strategy()))
                    .seed(declared.seed())
                    .iterations(declared.iterations())
                    .preemptionBound(declared.preemptionBound())
                    .pctDepth(declared.pctDepth())
                    .maxSteps(declared.maxSteps())
                    .deadline(Duration.ofSeconds(declared.deadlineSeconds()))
                    .replay(replay.isBlank() ? declared.replay() : replay)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@RaceTest on " + testName + ": " + e.getMessage(), e);
        }
    }

    private static Exception rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof Exception e ? e : new RuntimeException(cause);
    }
}
