package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Barriers;
import dev.sysmem.io.Poll;
import dev.sysmem.io.Register;
import dev.sysmem.io.SysMem;
import dev.sysmem.io.Width;
import dev.sysmem.io.spi.Scheduling;
import dev.sysmem.sim.Doorbell;
import dev.sysmem.sim.InterruptLine;
import dev.sysmem.sim.Mmio;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the race explorer's scheduling hooks cost on the normal path, where no explorer runs: each
 * call that carries a hook ({@code Scheduling.fence/nanoTime/event/lock/registerAccess}, a read of
 * the installed hooks that finds none) beside the same operation without it.
 *
 * <p>{@code fence mb x16} runs sixteen fences back to back, where C2 merges adjacent fences into
 * one unless something (such as a volatile read) stands between them; {@code fence mb+write x16}
 * is the usual shape, a store then a fence.
 *
 * <p>The contender {@value #HOOKED} is sysmem's own call. {@value #WITHOUT} is the same work as
 * the JDK or a copy of sysmem's code with the hook line taken out: {@code VarHandle.fullFence()}
 * for {@code Barriers.mb()}; the fence-free {@code VarHandle} fences for {@code rmb}/{@code wmb}
 * (each between two SysMem accesses, since on x86-64 those fences emit no instruction and an
 * empty loop would compare against nothing); {@code Poll.readPollTimeout}'s loop on
 * {@code System.nanoTime()}; {@code Doorbell.ring} and {@code InterruptLine.pulse} as copies of
 * their bodies; {@code ReentrantLock.lock} for {@code Scheduling.lock} plus
 * {@code registerAccess}, the two hooks of every {@code Mmio} access. One row is context, not a
 * hook: an {@code Mmio} register read beside the same 32-bit {@code SysMem} read, what trapping
 * a register costs (decode, lock, the hooks).
 */
final class HookKernels {

    static final String HOOKED = "hooked";
    static final String WITHOUT = "without hook";
    /** The context row's contenders: a trapped register read and the same read of shared memory. */
    static final String MMIO = "Mmio register";
    static final String SYSMEM = "SysMem";

    private static final Duration NO_SLEEP = Duration.ZERO;
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    private final SysMem region;
    private long offset;
    private final Doorbell doorbell = new Doorbell("bench");
    private final DoorbellWithoutHook handDoorbell = new DoorbellWithoutHook();
    private final InterruptLine line = new InterruptLine("bench");
    private final InterruptLineWithoutHook handLine = new InterruptLineWithoutHook();
    private final ReentrantLock lock = new ReentrantLock();
    private final Mmio mmio;
    private final Supplier<Integer> readWord;
    private final Predicate<Integer> isReady;

    HookKernels(SysMem region, long offset) {
        this.region = region.withMode(AccessMode.OPAQUE);
        this.offset = offset;
        this.region.write32(offset, 1);
        this.mmio = Mmio.builder("bench", 0x100).widths(Width.U32).register(Register.of("STATUS", 0x10, Width.U32)).build();
        SysMem word = this.region;
        long at = offset;
        this.readWord = () -> word.read32(at);
        this.isReady = v -> v == 1;
    }

    List<TimedKernel> kernels() {
        return List.of(
                new TimedKernel(HOOKED, "fence mb x16", null, 16, this::mbLoop),
                new TimedKernel(WITHOUT, "fence mb x16", null, 16, this::fullFenceLoop),
                new TimedKernel(HOOKED, "fence mb+write x16", null, 16, this::mbWriteLoop),
                new TimedKernel(WITHOUT, "fence mb+write x16", null, 16, this::fullFenceWriteLoop),
                new TimedKernel(HOOKED, "fence rmb+read x16", null, 16, this::rmbLoop),
                new TimedKernel(WITHOUT, "fence rmb+read x16", null, 16, this::loadLoadFenceLoop),
                new TimedKernel(HOOKED, "fence wmb+write x16", null, 16, this::wmbLoop),
                new TimedKernel(WITHOUT, "fence wmb+write x16", null, 16, this::storeStoreFenceLoop),
                new TimedKernel(HOOKED, "clock nanoTime x1", null, 1, HookKernels::schedulingNanoTime),
                new TimedKernel(WITHOUT, "clock nanoTime x1", null, 1, HookKernels::systemNanoTime),
                new TimedKernel(HOOKED, "poll at once x1", null, 1, this::pollAtOnce),
                new TimedKernel(WITHOUT, "poll at once x1", null, 1, this::handPollAtOnce),
                new TimedKernel(HOOKED, "doorbell ring x1", null, 1, this::ring),
                new TimedKernel(WITHOUT, "doorbell ring x1", null, 1, this::handRing),
                new TimedKernel(HOOKED, "irq pulse x1", null, 1, this::pulse),
                new TimedKernel(WITHOUT, "irq pulse x1", null, 1, this::handPulse),
                new TimedKernel(HOOKED, "lock+register hooks x1", null, 1, this::schedulingLock),
                new TimedKernel(WITHOUT, "lock+register hooks x1", null, 1, this::plainLock),
                new TimedKernel(MMIO, "register read32 x1", null, 1, this::mmioRead),
                new TimedKernel(SYSMEM, "register read32 x1", null, 1, this::sysMemRead));
    }

    private long mbLoop(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 16; k++) {
                Barriers.mb();
            }
        }
        return iterations;
    }

    private long fullFenceLoop(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 16; k++) {
                VarHandle.fullFence();
            }
        }
        return iterations;
    }

    private long mbWriteLoop(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                region.write32(offset + 4 + k, k);
                Barriers.mb();
            }
        }
        return 0;
    }

    private long fullFenceWriteLoop(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                region.write32(offset + 4 + k, k);
                VarHandle.fullFence();
            }
        }
        return 0;
    }

    private long rmbLoop(long iterations) {
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += region.read32(offset + k);
                Barriers.rmb();
            }
        }
        return sum;
    }

    private long loadLoadFenceLoop(long iterations) {
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                sum += region.read32(offset + k);
                VarHandle.loadLoadFence();
            }
        }
        return sum;
    }

    private long wmbLoop(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                region.write32(offset + 4 + k, k);
                Barriers.wmb();
            }
        }
        return 0;
    }

    private long storeStoreFenceLoop(long iterations) {
        for (long i = 0; i < iterations; i++) {
            for (int k = 0; k < 64; k += 4) {
                region.write32(offset + 4 + k, k);
                VarHandle.storeStoreFence();
            }
        }
        return 0;
    }

    private static long schedulingNanoTime(long iterations) {
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            sum += Scheduling.nanoTime();
        }
        return sum;
    }

    private static long systemNanoTime(long iterations) {
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            sum += System.nanoTime();
        }
        return sum;
    }

    private long pollAtOnce(long iterations) {
        long sum = 0;
        try {
            for (long i = 0; i < iterations; i++) {
                sum += Poll.readPollTimeout(readWord, isReady, NO_SLEEP, POLL_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sum;
    }

    private long handPollAtOnce(long iterations) {
        long sum = 0;
        try {
            for (long i = 0; i < iterations; i++) {
                sum += pollWithoutHooks(readWord, isReady, NO_SLEEP, POLL_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sum;
    }

    /**
     * {@code Poll.readPollTimeout} as it is, argument checks included, with {@code System.nanoTime},
     * {@code parkNanos} and {@code onSpinWait} for its hooks.
     */
    private static <T> T pollWithoutHooks(Supplier<? extends T> read, Predicate<? super T> condition, Duration sleep,
                                          Duration timeout) throws InterruptedException {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(condition, "condition");
        long sleepNanos = nonNegativeNanos(sleep, "sleep");
        long timeoutNanos = nonNegativeNanos(timeout, "timeout");
        long start = System.nanoTime();
        long reads = 0;
        while (true) {
            boolean expired = reads > 0 && System.nanoTime() - start >= timeoutNanos;
            T value = read.get();
            reads++;
            if (condition.test(value)) {
                return value;
            }
            if (expired) {
                throw new IllegalStateException("no value met the condition within " + timeout + " (" + reads + " reads)");
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("poll interrupted after " + reads + " reads");
            }
            if (sleepNanos > 0) {
                long remaining = timeoutNanos - (System.nanoTime() - start);
                LockSupport.parkNanos(Poll.class, Math.max(1, Math.min(sleepNanos, remaining + 1)));
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** {@code Poll}'s argument check, as it makes it. */
    private static long nonNegativeNanos(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + duration);
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private long ring(long iterations) {
        for (long i = 0; i < iterations; i++) {
            doorbell.ring();
        }
        return doorbell.count();
    }

    private long handRing(long iterations) {
        for (long i = 0; i < iterations; i++) {
            handDoorbell.ring();
        }
        return handDoorbell.rings.get();
    }

    private long pulse(long iterations) {
        for (long i = 0; i < iterations; i++) {
            line.pulse();
        }
        return line.raiseCount();
    }

    private long handPulse(long iterations) {
        for (long i = 0; i < iterations; i++) {
            handLine.pulse();
        }
        return handLine.raised.get();
    }

    private long schedulingLock(long iterations) {
        for (long i = 0; i < iterations; i++) {
            Scheduling.lock(lock);
            lock.unlock();
            Scheduling.registerAccess("bench", 0, Width.U32, false, i);
        }
        return iterations;
    }

    private long plainLock(long iterations) {
        for (long i = 0; i < iterations; i++) {
            lock.lock();
            lock.unlock();
        }
        return iterations;
    }

    private long mmioRead(long iterations) {
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            sum += mmio.read(Width.U32, 0x10);
        }
        return sum;
    }

    private long sysMemRead(long iterations) {
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            sum += region.read32(offset);
        }
        return sum;
    }

    /** {@code Doorbell}'s fields and {@code ring} body, without {@code Scheduling.event}. */
    private static final class DoorbellWithoutHook {
        final AtomicLong rings = new AtomicLong();
        final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

        void ring() {
            rings.incrementAndGet();
            for (Thread waiter : waiters) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /** {@code InterruptLine}'s fields and {@code pulse} body with no handler attached, without {@code Scheduling.event}. */
    private static final class InterruptLineWithoutHook {
        final AtomicLong raised = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final ReentrantLock monitor = new ReentrantLock();
        final Condition raisedCondition = monitor.newCondition();
        volatile Runnable handler;

        void pulse() {
            raised.incrementAndGet();
            monitor.lock();
            try {
                raisedCondition.signalAll();
            } finally {
                monitor.unlock();
            }
            while (handler != null && delivered.get() < raised.get()) {
                delivered.incrementAndGet();
            }
        }
    }
}
