package dev.sysmem.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchJvmTest {

    /** A child that writes its argument to the file named first, then exits with the status given second. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            Files.writeString(Path.of(args[0]), String.join(",", List.of(args).subList(1, args.length)));
            System.exit(Integer.parseInt(args[1]));
        }
    }

    /** A child that never ends on its own. */
    static final class Stuck {
        public static void main(String[] args) throws Exception {
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @Test
    void aChildRunsWithTheArgumentsAndItsFailureNamesIt() throws Exception {
        Path dir = Files.createTempDirectory("bench-jvm-test-");
        Path out = dir.resolve("out.txt");
        BenchJvm.run("child 1 of 2", Child.class, List.of(out.toString(), "0"), Duration.ofMinutes(1));
        assertThat(Files.readString(out)).isEqualTo("0");

        assertThatThrownBy(() -> BenchJvm.run("child 2 of 2", Child.class, List.of(out.toString(), "3"), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class).hasMessage("child 2 of 2 failed with exit status 3");

        BenchJvm.deleteScratch(dir);
        assertThat(dir).doesNotExist();
    }

    @Test
    void aChildPastItsDeadlineIsKilledAndNamed() {
        assertThatThrownBy(() -> BenchJvm.run("the stuck one", Stuck.class, List.of(), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessage("the stuck one did not finish within 1 s and was killed");
    }
}
