package dev.sysmem.stress.report;

import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.TestInfo;
import org.openjdk.jcstress.infra.collectors.DiskWriteCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.runners.TestConfig;
import org.openjdk.jcstress.infra.runners.TestList;
import org.openjdk.jcstress.os.AffinityMode;
import org.openjdk.jcstress.os.NodeType;
import org.openjdk.jcstress.os.SchedulingClass;
import org.openjdk.jcstress.vm.CompileMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds a jcstress results directory the way jcstress 0.16 writes one: {@link TestResult}s with
 * real {@link TestConfig}s of the generated tests, written by jcstress's own
 * {@link DiskWriteCollector}. Only the outcome counts are chosen by the test.
 */
final class JcstressResults {

    private static final Map<String, Options> OPTIONS = new ConcurrentHashMap<>();

    private final String mode;
    private final List<TestResult> results = new ArrayList<>();

    private JcstressResults(String mode) {
        this.mode = mode;
    }

    /** Results of a run in jcstress preset {@code mode} ("sanity", "quick", ...). */
    static JcstressResults inMode(String mode) {
        return new JcstressResults(mode);
    }

    /** A normal result of the generated test {@code simpleName}: each pair is an outcome id and its count. */
    JcstressResults add(String simpleName, Object... idsAndCounts) {
        TestResult r = new TestResult(Status.NORMAL);
        for (int i = 0; i < idsAndCounts.length; i += 2) {
            r.addState((String) idsAndCounts[i], ((Number) idsAndCounts[i + 1]).longValue());
        }
        return add(simpleName, r);
    }

    /** A failed result of the generated test {@code simpleName}. */
    JcstressResults failed(String simpleName, Status status, String message) {
        TestResult r = new TestResult(status);
        r.addMessage(message);
        return add(simpleName, r);
    }

    private JcstressResults add(String simpleName, TestResult r) {
        String name = "dev.sysmem.stress.generated." + simpleName;
        TestInfo info = TestList.getInfo(name);
        if (info == null) {
            throw new IllegalArgumentException("no generated test " + name);
        }
        r.setConfig(new TestConfig(options(mode), info, 0, List.of("-XX:-TieredCompilation"), CompileMode.UNIFIED,
                new SchedulingClass(AffinityMode.NONE, info.threads(), NodeType.PACKAGE)));
        results.add(r);
        return this;
    }

    /** Writes the results into {@code directory} as jcstress's result file; returns the directory. */
    Path writeTo(Path directory) {
        try {
            DiskWriteCollector writer = new DiskWriteCollector(
                    directory.resolve(RunResults.RESULT_FILE_PREFIX + "2026-01-01-00-00-00.bin.gz").toString());
            results.forEach(writer::add);
            writer.close();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Options options(String mode) {
        return OPTIONS.computeIfAbsent(mode, m -> {
            try {
                Options o = new Options(new String[] {"-m", m});
                if (!o.parse()) {
                    throw new IllegalArgumentException("jcstress refused mode " + m);
                }
                return o;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
