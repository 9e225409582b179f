package dev.sysmem.bench.report;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MachineShareTest {

    private static final String STAT = """
            cpu  %d 10 %d 5000 7 %d 3 %d 0 0
            cpu0 1 2 3 4 5 6 7 8 0 0
            intr 1 2 3
            """;
    // A command name with spaces and a ')' of its own, as /proc/<pid>/stat may hold.
    private static final String SELF = "4242 (java (bench) x) S 1 4242 1 0 -1 4194304 100 0 0 0 %d %d %d %d 20 0 30 0 5 6 7";

    private static MachineShare.Sample sample(long seconds, long user, long system, long irq, long steal,
                                              long utime, long stime, long cutime, long cstime) {
        return MachineShare.parse(STAT.formatted(user, system, irq, steal), SELF.formatted(utime, stime, cutime, cstime),
                seconds * 1_000_000_000L);
    }

    @Test
    void othersAreTheMachinesBusyTimeLessThisProcessAndItsChildren() {
        // Over 10 s: the machine was busy 1500 ticks (user 1000, system 300, irq 200), this JVM
        // and its reaped fork 1200 of them (the fork's two threads), the hypervisor stole 50.
        MachineShare.Sample before = sample(0, 100, 50, 10, 20, 5, 5, 0, 0);
        MachineShare.Sample after = sample(10, 1100, 350, 210, 70, 15, 15, 1000, 180);

        MachineShare.Share share = MachineShare.between(before, after);

        assertThat(share.otherCpus()).isCloseTo(3.0 / 10, within(1e-9));
        assertThat(share.stealCpus()).isCloseTo(0.5 / 10, within(1e-9));
        assertThat(share.total()).isCloseTo(0.35, within(1e-9));
        // nice (10) and iowait (7) are constants here, idle is not busy: the fork alone leaves nothing to others.
        MachineShare.Sample alone = sample(10, 1100, 350, 210, 20, 15, 15, 1000, 480);
        assertThat(MachineShare.between(before, alone).total()).isZero();
    }

    @Test
    void aBurningThreadCountsAsThisProcessNotAsOthers() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MachineShare.Sample before = MachineShare.sample();
        long start = threads.getCurrentThreadCpuTime();
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() - start < 300_000_000L) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        MachineShare.Sample after = MachineShare.sample();

        assertThat(sink).isNotNegative();
        // 300 ms of this thread's CPU time are at least 25 ticks of this process's time.
        assertThat(after.ownTicks() - before.ownTicks()).isGreaterThanOrEqualTo(25);
        assertThat(after.busyTicks() - before.busyTicks()).isGreaterThanOrEqualTo(25);
    }

    @Test
    void malformedCountersAreRefusedNamingTheFile() {
        String self = SELF.formatted(1, 2, 3, 4);
        assertThatThrownBy(() -> MachineShare.parse("intr 1 2\n", self, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/proc/stat has no 'cpu ' line");
        assertThatThrownBy(() -> MachineShare.parse("cpu  1 2 3 4\n", self, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 counters");
        assertThatThrownBy(() -> MachineShare.parse(STAT.formatted(1, 2, 3, 4), "4242 java S 1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/proc/self/stat has no ')'");
        assertThatThrownBy(() -> MachineShare.parse(STAT.formatted(1, 2, 3, 4), "4242 (java) S 1 2 3", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than the 17");
        assertThatThrownBy(() -> MachineShare.parse("cpu  1 x 3 4 5 6 7 8\n", self, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' is not a tick count");
        MachineShare.Sample s = MachineShare.parse(STAT.formatted(1, 2, 3, 4), self, 5);
        assertThatThrownBy(() -> MachineShare.between(s, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of order");
    }
}
