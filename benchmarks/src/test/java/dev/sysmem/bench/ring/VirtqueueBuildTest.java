package dev.sysmem.bench.ring;

import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.virtio.VirtqueueDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code RingCpuCost --compare}: another build's virtqueue runs in this JVM from its own class
 * loader (here this build's classes, loaded a second time), and a classpath that cannot be one
 * is refused with what is wrong with it.
 */
class VirtqueueBuildTest {

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The benchmarks', device-sim's and sysmem-core's classes, wherever this run took them from. */
    private static String thisBuild() {
        return Stream.of(VirtqueueProducer.class, VirtqueueDevice.class, SharedMemory.class)
                .map(VirtqueueBuildTest::location).distinct().collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void anotherLoadersVirtqueueRunsBuffersThroughBothModes() {
        for (boolean inOrder : new boolean[] {false, true}) {
            try (RingCpuCost.Contender contender = VirtqueueBuild.contender("again=" + thisBuild(), 64, inOrder)) {
                assertThat(contender.name()).isEqualTo(inOrder ? "virtqueue again, IN_ORDER" : "virtqueue again");
                // Each pass fills and empties the ring and checks that every buffer came back.
                contender.pass(3);
            }
        }
    }

    @Test
    void aClasspathWithoutTheQueueIsRefused(@TempDir Path empty) {
        assertThatThrownBy(() -> VirtqueueBuild.contender("none=" + empty, 64, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--compare none: " + empty)
                .hasMessageContaining("does not hold a loadable VirtqueueProducer");
        assertThatThrownBy(() -> VirtqueueBuild.contender("gone=" + empty.resolve("missing.jar"), 64, false))
                .hasMessageContaining("missing.jar does not exist");
        assertThatThrownBy(() -> VirtqueueBuild.contender(thisBuild(), 64, false))
                .hasMessageContaining("--compare wants LABEL=CLASSPATH");
    }
}
