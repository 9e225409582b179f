package dev.sysmem.explore;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine on the smallest race there is: two threads increment one word with a read and a
 * write (calling the access handler directly, as an intercepted view does).
 */
class LostUpdateTest {

    private static ExploredTest increments(boolean atomic) {
        return run -> {
            AccessHandler mem = run.memoryHandler("counter", 8);
            for (String name : new String[] {"a", "b"}) {
                run.thread(name, () -> {
                    if (atomic) {
                        mem.atomic("counter", 0, 0, Width.U32, AtomicOp.GET_AND_ADD, 0, 1);
                    } else {
                        long v = mem.read("counter", 0, 0, Width.U32, AccessMode.OPAQUE);
                        mem.write("counter", 0, 0, Width.U32, AccessMode.OPAQUE, v + 1);
                    }
                });
            }
            run.joinAll();
            long total = mem.read("counter", 0, 0, Width.U32, AccessMode.OPAQUE);
            if (total != 2) {
                throw new AssertionError("lost update: counter is " + total + " after two increments");
            }
        };
    }

    @Test
    void everyStrategyFindsTheLostUpdateAndItsReplayReproducesIt() {
        for (Strategy strategy : Strategy.values()) {
            ExplorationResult result = Explorer.builder("LostUpdate").strategy(strategy).seed(3).iterations(500)
                    .build().explore(increments(false));
            assertThat(result.race()).as(strategy + ": " + result.summary()).isPresent();
            RaceReport report = result.race().orElseThrow();
            assertThat(report.failure()).hasMessageContaining("lost update");
            assertThat(report.preemptionsShrunk()).as(report.describe()).isEqualTo(1);
            for (int i = 0; i < 100; i++) {
                ExplorationResult again = Explorer.builder("LostUpdate").replay(report.replay().format()).build()
                        .explore(increments(false));
                assertThat(again.race()).as("replay %d of %s", i, strategy).isPresent();
            }
        }
    }

    @Test
    void theAtomicIncrementPassesEveryScheduleWithinTheBound() {
        ExplorationResult result = Explorer.builder("LostUpdate").strategy(Strategy.EXHAUSTIVE).preemptionBound(3)
                .iterations(10_000).build().explore(increments(true));
        assertThat(result.race()).isEmpty();
        assertThat(result.exhausted()).isTrue();
        assertThat(result.schedules()).isGreaterThan(1);
    }

    @Test
    void aThreadTheExplorerDoesNotRunIsRefusedByName() {
        ExplorationResult result = Explorer.builder("Unmanaged").iterations(1).build().explore(run -> {
            AccessHandler mem = run.memoryHandler("regs", 8);
            Thread rogue = new Thread(() -> mem.read("regs", 4, 4, Width.U32, AccessMode.OPAQUE), "rogue-poller");
            Throwable[] seen = new Throwable[1];
            rogue.setUncaughtExceptionHandler((t, e) -> seen[0] = e);
            rogue.start();
            rogue.join(5_000);
            throw new AssertionError(seen[0]);
        });
        Throwable failure = result.race().orElseThrow().failure().getCause();
        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'rogue-poller'").hasMessageContaining("'regs'").hasMessageContaining("0x4");
    }

    @Test
    void badReplayStringsAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> Explorer.builder("LostUpdate").replay("nonsense").build())
                .hasMessageContaining("malformed replay string").hasMessageContaining("9 fields");
        String good = new ReplayString("LostUpdate".hashCode(), "RANDOM", false, 1, 1, new int[] {0, 1, 1}).format();
        assertThatThrownBy(() -> Explorer.builder("OtherTest").replay(good).build())
                .hasMessageContaining("another test").hasMessageContaining("'OtherTest'");
        String altered = good.replace(":0,1_2:", ":0,1_3:");
        assertThatThrownBy(() -> Explorer.builder("LostUpdate").replay(altered).build())
                .hasMessageContaining("checksum");
        assertThatThrownBy(() -> Strategy.parse("dfs")).hasMessageContaining("'dfs'").hasMessageContaining("pct");
        // Version 2 names the memory its schedule ran on; version 1 strings (sequentially consistent) still read.
        assertThat(good).contains(":random:sc:");
        String weak = new ReplayString("LostUpdate".hashCode(), "RANDOM", true, 1, 1, new int[] {0, 1, 1}).format();
        assertThat(ReplayString.parse(weak, "LostUpdate").weakMemory()).isTrue();
        String unknownMemory = ReplayString.parse(good, "LostUpdate").format().replace(":sc:", ":tso:");
        String payload = unknownMemory.substring(0, unknownMemory.lastIndexOf(':'));
        assertThatThrownBy(() -> ReplayString.parse(payload + ":" + ReplayString.crc(payload), "LostUpdate"))
                .hasMessageContaining("memory model 'tso'");
        String versionOne = "sysmem-replay:1:" + String.format("%08x", "LostUpdate".hashCode()) + ":random:1:1:0,1_2";
        ReplayString old = ReplayString.parse(versionOne + ":" + ReplayString.crc(versionOne), "LostUpdate");
        assertThat(old.weakMemory()).isFalse();
        assertThat(old.choices()).containsExactly(0, 1, 1);
    }

    @Test
    void aReplayThatDoesNotFitTheProgramIsReportedAsDivergence() {
        String forFourThreads = new ReplayString("LostUpdate".hashCode(), "RANDOM", false, 1, 1, new int[] {3, 3}).format();
        assertThatThrownBy(() -> Explorer.builder("LostUpdate").replay(forFourThreads).build().explore(increments(false)))
                .isInstanceOf(ReplayDivergence.class).hasMessageContaining("recorded thread 3 cannot run");
    }

    @Test
    void aDeadlockIsAFailureWithTheWaitsNamed() {
        ExplorationResult result = Explorer.builder("Deadlock").iterations(1).build().explore(run -> {
            run.thread("waiter", () -> dev.sysmem.io.spi.Scheduling.await(() -> false, Long.MAX_VALUE, "a bell nobody rings"));
        });
        assertThat(result.race().orElseThrow().failure()).isInstanceOf(DeadlockError.class)
                .hasMessageContaining("waiter waits for a bell nobody rings");
    }

    @Test
    void aSpinningThreadIsALivelockWithinTheStepBound() {
        ExplorationResult result = Explorer.builder("Livelock").iterations(1).maxSteps(500).build().explore(run -> {
            AccessHandler mem = run.memoryHandler("flag", 8);
            run.thread("spinner", () -> {
                while (mem.read("flag", 0, 0, Width.U32, AccessMode.OPAQUE) == 0) {
                    dev.sysmem.io.spi.Scheduling.spinWait("flag");
                }
            });
        });
        assertThat(result.race().orElseThrow().failure()).isInstanceOf(LivelockError.class)
                .hasMessageContaining("500 scheduling points");
    }

    @Test
    void aRealSleepInsideAnExploredRunIsReportedWithTheThreadAndItsStack() {
        ExplorationResult result = Explorer.builder("RealSleep").iterations(1).build().explore(run -> {
            run.thread("sleeper", () -> Thread.sleep(30_000));
        });
        assertThat(result.race().orElseThrow().failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'sleeper'").hasMessageContaining("outside the explorer's control")
                .hasMessageContaining("Thread.sleep");
    }

    @Test
    void timeoutsRunOnTheVirtualClockAndEndExactlyAtTheDeadline() {
        long[] waited = new long[1];
        ExplorationResult result = Explorer.builder("VirtualTime").iterations(1).build().explore(run -> {
            AccessHandler mem = run.memoryHandler("status", 8);
            long start = run.nanoTime();
            try {
                dev.sysmem.io.Poll.readPollTimeout(() -> mem.read("status", 0, 0, Width.U32, AccessMode.OPAQUE),
                        v -> v != 0, java.time.Duration.ofMillis(100), java.time.Duration.ofHours(1));
            } catch (dev.sysmem.io.PollTimeoutException expected) {
                waited[0] = run.nanoTime() - start;
            }
        });
        assertThat(result.race()).isEmpty();
        // An hour of polling every 100 ms on the virtual clock: the deadline, plus one scheduling tick per access.
        assertThat(waited[0]).isBetween(java.time.Duration.ofHours(1).toNanos(),
                java.time.Duration.ofHours(1).toNanos() + 40_000 * ScheduledRun.TICK_NANOS);
    }
}
