package dev.sysmem.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.sysmem.testing.Awaits.soon;

class InterruptLineTest {

    @Test
    void raiseAndLowerSetTheLevelAndRaisesAreCounted() {
        InterruptLine line = new InterruptLine("intx");
        assertThat(line.isRaised()).isFalse();
        line.raise();
        assertThat(line.isRaised()).isTrue();
        line.raise();
        line.lower();
        assertThat(line.isRaised()).isFalse();
        assertThat(line.raiseCount()).isEqualTo(2);
    }

    @Test
    void aPulseIsCountedAndDeliveredWithoutChangingTheLevel() {
        InterruptLine line = new InterruptLine("msi");
        AtomicInteger calls = new AtomicInteger();
        line.attach(l -> calls.incrementAndGet());
        line.pulse();
        assertThat(line.isRaised()).isFalse();
        assertThat(line.raiseCount()).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void raisesBeforeAHandlerIsAttachedAreDeliveredOnAttach() {
        InterruptLine line = new InterruptLine("early");
        line.raise();
        line.raise();
        line.pulse();
        AtomicInteger calls = new AtomicInteger();
        line.attach(l -> calls.incrementAndGet());
        assertThat(calls).hasValue(3);
        assertThat(line.deliveredCount()).isEqualTo(3);

        line.detach();
        line.raise();                                  // held while no handler is attached
        assertThat(calls).hasValue(3);
        line.attach(l -> calls.incrementAndGet());
        assertThat(calls).hasValue(4);
    }

    @Test
    void concurrentRaisesAreEachDeliveredExactlyOnceAndNeverConcurrently() {
        InterruptLine line = new InterruptLine("storm");
        AtomicLong calls = new AtomicLong();
        AtomicBoolean inHandler = new AtomicBoolean();
        AtomicBoolean overlapped = new AtomicBoolean();
        line.attach(l -> {
            if (!inHandler.compareAndSet(false, true)) {
                overlapped.set(true);
            }
            calls.incrementAndGet();
            inHandler.set(false);
        });
        List<Thread> raisers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            raisers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    line.pulse();
                }
            }));
        }
        soon().until(() -> raisers.stream().noneMatch(Thread::isAlive));
        assertThat(calls).hasValue(20_000);
        assertThat(line.deliveredCount()).isEqualTo(20_000);
        assertThat(overlapped).isFalse();
    }

    @Test
    void aRaiseFromInsideTheHandlerIsDeliveredAfterItNotRecursively() {
        InterruptLine line = new InterruptLine("nested");
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        line.attach(l -> {
            maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
            if (calls.incrementAndGet() < 3) {
                l.raise();
            }
            depth.decrementAndGet();
        });
        line.raise();
        assertThat(calls).hasValue(3);
        assertThat(maxDepth).hasValue(1);
    }

    @Test
    void awaitRaisedSeesRaisesAndEndsAtItsDeadline() throws InterruptedException {
        InterruptLine line = new InterruptLine("waited");
        assertThat(line.awaitRaised(1, Duration.ofMillis(20))).isFalse();
        Thread raiser = Thread.ofPlatform().start(() -> {
            line.raise();
            line.raise();
        });
        assertThat(line.awaitRaised(2, Duration.ofSeconds(30))).isTrue();
        soon().until(() -> !raiser.isAlive());
    }

    @Test
    void oneHandlerPerLine() {
        InterruptLine line = new InterruptLine("exclusive");
        line.attach(l -> { });
        assertThatThrownBy(() -> line.attach(l -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'exclusive' already has a handler");
    }
}
