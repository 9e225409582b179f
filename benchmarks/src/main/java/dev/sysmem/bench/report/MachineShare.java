package dev.sysmem.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine something other than the benchmark used while one fork ran: the CPU
 * time of every other process, and the time the hypervisor ran someone else's work on this
 * guest's CPUs (steal), each as an average number of CPUs over the fork's wall time.
 *
 * <p>Why not the load average: it is read before a fork and counts the threads of the forks just
 * before it. A two-thread benchmark alone raises the 1-minute load average of this 2-core machine
 * to about 2, so a threshold on it flags the benchmark's own threads, and a rise caused by someone
 * else shows a minute late. What a two-thread benchmark needs to know is whether both of its
 * threads had a core to themselves during its own fork, and the kernel counts exactly that.
 *
 * <p>Method: {@code /proc/stat}'s machine-wide busy time (user, nice, system, irq and softirq; idle,
 * iowait and steal left out) and steal time, and this JVM's own CPU time with that of its reaped
 * children ({@code /proc/self/stat}'s utime, stime, cutime and cstime), read before and after the
 * fork. JMH runs each fork as a child process and waits for it, so the fork's CPU time counts as
 * this JVM's by the time the second sample is read. Busy time minus own time is everyone else's.
 * Both files count in USER_HZ ticks, which the kernel fixes at 100 per second for user space on
 * every architecture Linux runs JMH on; a tick is 10 ms, so a fork of a few seconds is measured
 * to a few hundredths of a CPU.
 */
public final class MachineShare {

    /** USER_HZ: the unit of {@code /proc/stat} and {@code /proc/<pid>/stat} times. */
    static final double TICKS_PER_SECOND = 100;

    /**
     * The counters at one instant.
     *
     * @param wallNanos  {@link System#nanoTime()} when read
     * @param busyTicks  machine-wide busy time (user + nice + system + irq + softirq)
     * @param stealTicks machine-wide steal time
     * @param ownTicks   this process's CPU time with that of its reaped children
     */
    public record Sample(long wallNanos, long busyTicks, long stealTicks, long ownTicks) {
    }

    /**
     * What others used between two samples, in CPUs (1.0 = one core busy the whole time).
     *
     * @param otherCpus CPU time of every process but this one and its reaped children
     * @param stealCpus time the hypervisor gave this guest's CPUs to other guests
     */
    public record Share(double otherCpus, double stealCpus) {

        /** Both together: the CPUs the benchmark's threads could not count on. */
        public double total() {
            return otherCpus + stealCpus;
        }
    }

    private MachineShare() {
    }

    /** Reads the counters now; on a machine without {@code /proc} the run cannot judge its forks. */
    public static Sample sample() {
        long now = System.nanoTime();
        try {
            return parse(Files.readString(Path.of("/proc/stat")), Files.readString(Path.of("/proc/self/stat")), now);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat or /proc/self/stat to measure what else ran: " + e, e);
        }
    }

    /** What others used from {@code before} to {@code after}. */
    public static Share between(Sample before, Sample after) {
        double seconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        if (seconds <= 0) {
            throw new IllegalArgumentException("samples out of order: " + before + " then " + after);
        }
        long others = (after.busyTicks() - before.busyTicks()) - (after.ownTicks() - before.ownTicks());
        long steal = after.stealTicks() - before.stealTicks();
        // Tick rounding can make others a tick or two negative on an idle machine.
        return new Share(Math.max(0, others) / TICKS_PER_SECOND / seconds, Math.max(0, steal) / TICKS_PER_SECOND / seconds);
    }

    /**
     * The counters in the text of {@code /proc/stat} and {@code /proc/self/stat}.
     *
     * @throws IllegalArgumentException naming the file and what it lacks
     */
    static Sample parse(String procStat, String selfStat, long wallNanos) {
        String cpu = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("/proc/stat has no 'cpu ' line: " + head(procStat)));
        String[] f = cpu.trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        if (f.length < 9) {
            throw new IllegalArgumentException("/proc/stat's cpu line has " + (f.length - 1)
                    + " counters, fewer than the 8 up to steal: " + cpu);
        }
        long busy = number(f[1], cpu) + number(f[2], cpu) + number(f[3], cpu) + number(f[6], cpu) + number(f[7], cpu);
        long steal = number(f[8], cpu);
        // The command name, in parentheses, may hold spaces: count fields after its closing one.
        int close = selfStat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("/proc/self/stat has no ')' after the command name: " + head(selfStat));
        }
        String[] s = selfStat.substring(close + 1).trim().split("\\s+");
        // s[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17.
        if (s.length < 15) {
            throw new IllegalArgumentException("/proc/self/stat has " + (s.length + 2)
                    + " fields, fewer than the 17 up to cstime: " + head(selfStat));
        }
        long own = number(s[11], selfStat) + number(s[12], selfStat) + number(s[13], selfStat) + number(s[14], selfStat);
        return new Sample(wallNanos, busy, steal, own);
    }

    private static long number(String field, String line) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + field + "' is not a tick count in: " + head(line), e);
        }
    }

    private static String head(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }
}
