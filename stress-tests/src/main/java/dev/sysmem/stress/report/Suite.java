package dev.sysmem.stress.report;

import dev.sysmem.stress.Claim;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.StateCase;
import org.openjdk.jcstress.infra.TestInfo;
import org.openjdk.jcstress.infra.runners.TestList;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jcstress tests on the classpath that carry a {@link Claim}: what the claims report lays out,
 * whether or not a run produced results for them.
 *
 * <p>Test classes are loaded without being initialised, so no shared memory is mapped.
 */
public final class Suite {

    /**
     * One test of the suite.
     *
     * @param name        the class name jcstress knows it by
     * @param claim       where it sits in the matrix
     * @param threads     how many actors, hence CPUs, it needs
     * @param termination whether it is a {@code Mode.Termination} test (these always fork)
     * @param allowsWeak  whether one of its outcomes is ACCEPTABLE_INTERESTING
     * @param acceptableOutcomes how many distinct ACCEPTABLE outcomes it declares ({@code Integer.MAX_VALUE}
     *                    when its default outcome is ACCEPTABLE, which matches many)
     */
    public record Test(String name, Claim claim, int threads, boolean termination, boolean allowsWeak,
                       int acceptableOutcomes) {
    }

    private final List<Test> tests;

    private Suite(List<Test> tests) {
        this.tests = tests;
    }

    /** Every test in the classpath's {@code META-INF/TestList} that carries a {@link Claim}. */
    public static Suite onClasspath() {
        List<Test> tests = new ArrayList<>();
        ClassLoader loader = Suite.class.getClassLoader();
        for (String name : TestList.tests()) {
            Claim claim;
            try {
                claim = Class.forName(name, false, loader).getAnnotation(Claim.class);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("META-INF/TestList names " + name + ", which is not on the classpath", e);
            }
            if (claim != null) {
                TestInfo info = TestList.getInfo(name);
                boolean allowsWeak = Stream.concat(info.cases().stream(), Stream.of(info.unmatched()))
                        .map(StateCase::expect).anyMatch(e -> e == Expect.ACCEPTABLE_INTERESTING);
                int acceptable = info.unmatched().expect() == Expect.ACCEPTABLE ? Integer.MAX_VALUE
                        : (int) info.cases().stream().filter(sc -> sc.expect() == Expect.ACCEPTABLE).count();
                tests.add(new Test(name, claim, info.threads(), info.requiresFork(), allowsWeak, acceptable));
            }
        }
        tests.sort(Comparator.comparing(Test::name));
        return new Suite(List.copyOf(tests));
    }

    /** The tests, sorted by name. */
    public List<Test> tests() {
        return tests;
    }
}
