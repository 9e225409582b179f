package dev.sysmem.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.sysmem.testing.Awaits.soon;

class DoorbellTest {

    @Test
    void ringsFromManyThreadsAreAllCounted() {
        Doorbell bell = new Doorbell("busy");
        List<Thread> ringers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            ringers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    bell.ring();
                }
            }));
        }
        soon().until(() -> ringers.stream().noneMatch(Thread::isAlive));
        assertThat(bell.count()).isEqualTo(40_000);
        assertThat(bell).hasToString("Doorbell[busy, 40000 rings]");
    }
}
