package dev.sysmem.sim.junit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that exists to be run by {@link DeviceExtensionTest} through the test kit
 * (some of its tests fail on purpose): it is skipped unless the run sets {@link #ENABLE}, so a
 * {@code -Dtest=...} pattern that picks it up by accident reports it skipped, not failed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(Fixture.OnlyWhenEnabled.class)
@interface Fixture {

    /** The configuration parameter the test kit sets. */
    String ENABLE = "dev.sysmem.sim.junit.fixtures";

    /** Disables the fixture's tests unless {@link #ENABLE} is set. */
    final class OnlyWhenEnabled implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLE).isPresent()
                    ? ConditionEvaluationResult.enabled("run by the test kit")
                    : ConditionEvaluationResult.disabled("a fixture of DeviceExtensionTest, run only through it");
        }
    }
}
