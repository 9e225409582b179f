package dev.sysmem.explore.weak;

import dev.sysmem.io.Width;
import dev.sysmem.io.spi.AtomicOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Runs a {@link Program} on the {@link WeakMemory} model and collects the final states it can
 * reach: exhaustively (every interleaving of memory instructions and every choice the model
 * allows each read and write, up to the bounds) or by a seeded random sample.
 *
 * <p>Exhaustive results are statements about the model: an outcome absent from a
 * {@link Exploration#complete() complete} exploration cannot happen under it (within its stated
 * limits: no load buffering, bounded histories). Local instructions run without a scheduling
 * decision, since no other thread can observe them.
 */
public final class ProgramExplorer {

    /** Each location gets its own cache line, as the litmus translation for hardware does. */
    static final long SLOT_BYTES = 64;

    private final int historyBound;
    private final long maxExecutions;
    private final int maxStepsPerThread;

    /**
     * @param historyBound      writes remembered per location
     * @param maxExecutions     an exhaustive exploration stops (incomplete) after this many
     * @param maxStepsPerThread a thread that runs more instructions is cut off (a loop)
     */
    public ProgramExplorer(int historyBound, long maxExecutions, int maxStepsPerThread) {
        if (maxExecutions < 1 || maxStepsPerThread < 1) {
            throw new IllegalArgumentException("bounds must be positive: executions " + maxExecutions
                    + ", steps " + maxStepsPerThread);
        }
        this.historyBound = historyBound;
        this.maxExecutions = maxExecutions;
        this.maxStepsPerThread = maxStepsPerThread;
    }

    /** Explorer with bounds that suit litmus tests: 8 writes per location, 10^6 executions, 1,000 steps. */
    public static ProgramExplorer forLitmus() {
        return new ProgramExplorer(8, 1_000_000, 1_000);
    }

    /**
     * What an exploration reached.
     *
     * @param outcomes    each final state (registers as {@code "T:reg"}, locations by name) and
     *                    how many executions ended in it
     * @param executions  executions run
     * @param cutOff      executions in which a thread passed the step bound (not in outcomes)
     * @param deadlocks   executions that ended with threads waiting for locks (not in outcomes)
     * @param complete    every execution the model allows was run
     * @param dataRaces   plain accesses seen (distinct lines)
     */
    public record Exploration(Map<Map<String, Long>, Long> outcomes, long executions, long cutOff, long deadlocks, boolean complete,
                              List<String> dataRaces) {
    }

    /** Every execution the model allows, depth first, up to the execution bound. */
    public Exploration exhaustive(Program program) {
        DepthFirstChooser chooser = new DepthFirstChooser();
        Collector collector = new Collector();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(Math.max(1, program.locations().size()) * SLOT_BYTES, SLOT_BYTES);
            boolean more = true;
            while (more && collector.executions < maxExecutions) {
                run(program, memory, chooser, collector);
                more = chooser.advance();
            }
            return collector.result(!more);
        }
    }

    /** {@code executions} executions with decisions from a random source seeded with {@code seed}. */
    public Exploration random(Program program, long seed, long executions) {
        SplittableRandom random = new SplittableRandom(seed);
        Chooser chooser = (options, what) -> random.nextInt(options);
        Collector collector = new Collector();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(Math.max(1, program.locations().size()) * SLOT_BYTES, SLOT_BYTES);
            for (long i = 0; i < executions; i++) {
                run(program, memory, chooser, collector);
            }
            return collector.result(false);
        }
    }

    private void run(Program program, MemorySegment memory, Chooser chooser, Collector collector) {
        memory.fill((byte) 0);
        Map<String, Long> address = new HashMap<>();
        for (int i = 0; i < program.locations().size(); i++) {
            String location = program.locations().get(i);
            address.put(location, i * SLOT_BYTES);
            long init = program.initial().getOrDefault(location, 0L);
            memory.set(ValueLayout.JAVA_INT_UNALIGNED, i * SLOT_BYTES, (int) init);
        }
        WeakMemory model = new WeakMemory(memory, historyBound, chooser);
        int n = program.threads().size();
        ModelThread[] threads = new ModelThread[n];
        int[] pc = new int[n];
        int[] steps = new int[n];
        List<Map<String, Long>> registers = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            threads[t] = model.thread("P" + t);
            registers.add(new HashMap<>());
        }
        List<List<Footprint>> future = footprints(program);
        collector.executions++;
        while (true) {
            List<Integer> runnable = new ArrayList<>();
            boolean waiting = false;
            for (int t = 0; t < n; t++) {
                if (!runLocal(program.threads().get(t), t, pc, steps, registers.get(t))) {
                    collector.cutOff++;
                    return;
                }
                if (pc[t] < program.threads().get(t).size()) {
                    if (program.threads().get(t).get(pc[t]) instanceof Program.Lock lock
                            && model.newest(at(address, lock.location()), Width.U32) != 0) {
                        waiting = true;
                        continue;
                    }
                    runnable.add(t);
                }
            }
            if (runnable.isEmpty()) {
                if (waiting) {
                    collector.deadlocks++;
                    return;
                }
                break;
            }
            int free = independent(program, runnable, pc, future);
            int t = free >= 0 ? free
                    : runnable.size() == 1 ? runnable.getFirst() : runnable.get(chooser.choose(runnable.size(), "schedule"));
            Program.Instruction instruction = program.threads().get(t).get(pc[t]++);
            steps[t]++;
            execute(instruction, model, threads[t], address, registers.get(t));
        }
        Map<String, Long> state = new TreeMap<>();
        for (int t = 0; t < n; t++) {
            for (Map.Entry<String, Long> r : registers.get(t).entrySet()) {
                state.put(t + ":" + r.getKey(), r.getValue());
            }
        }
        for (String location : program.locations()) {
            state.put(location, asInt(model.newest(address.get(location), Width.U32)));
        }
        collector.outcomes.merge(Collections.unmodifiableMap(state), 1L, Long::sum);
        for (String race : model.dataRaces()) {
            if (!collector.races.contains(race)) {
                collector.races.add(race);
            }
        }
    }

    /** The locations a thread may still read and write from each instruction on. */
    private record Footprint(Set<String> reads, Set<String> writes) {
    }

    private final Map<Program, List<List<Footprint>>> footprintCache = new IdentityHashMap<>();

    private List<List<Footprint>> footprints(Program program) {
        return footprintCache.computeIfAbsent(program, p -> p.threads().stream().map(ProgramExplorer::footprints).toList());
    }

    private static List<Footprint> footprints(List<Program.Instruction> code) {
        boolean loops = false;
        for (int i = 0; i < code.size(); i++) {
            int target = switch (code.get(i)) {
                case Program.Jump j -> j.target();
                case Program.JumpUnless j -> j.target();
                default -> i + 1;
            };
            loops |= target <= i;
        }
        List<Footprint> out = new ArrayList<>();
        Set<String> reads = new HashSet<>();
        Set<String> writes = new HashSet<>();
        for (int i = code.size() - 1; i >= 0; i--) {
            switch (code.get(i)) {
                case Program.Load l -> reads.add(l.location());
                case Program.Store st -> writes.add(st.location());
                case Program.Update u -> {
                    reads.add(u.location());
                    writes.add(u.location());
                }
                case Program.Lock l -> {
                    reads.add(l.location());
                    writes.add(l.location());
                }
                default -> {
                }
            }
            out.add(new Footprint(Set.copyOf(reads), Set.copyOf(writes)));
        }
        Collections.reverse(out);
        if (loops) {
            // A thread that can jump back may run any instruction again: its whole footprint stays.
            Footprint all = out.isEmpty() ? new Footprint(Set.of(), Set.of()) : out.getFirst();
            return Collections.nCopies(out.size(), all);
        }
        return out;
    }

    /**
     * A runnable thread whose next instruction commutes with everything the other threads can
     * still do, so that running it now instead of at any later point reaches the same states: a
     * store-store or load-load fence (it changes only its own thread's views), a non-volatile read
     * of a location no other thread can still write, a non-volatile write to a location no other
     * thread can still access. Running such instructions without a scheduling decision is a
     * partial-order reduction: it removes only interleavings that reach the same states. -1 if
     * there is none.
     */
    private static int independent(Program program, List<Integer> runnable, int[] pc, List<List<Footprint>> future) {
        for (int t : runnable) {
            Program.Instruction next = program.threads().get(t).get(pc[t]);
            boolean free = switch (next) {
                case Program.Barrier b -> b.fence() != dev.sysmem.io.spi.Fence.MB;
                case Program.Load l -> l.mode() != dev.sysmem.io.AccessMode.VOLATILE
                        && noOther(program, t, pc, future, f -> f.writes().contains(l.location()));
                case Program.Store st -> st.mode() != dev.sysmem.io.AccessMode.VOLATILE
                        && noOther(program, t, pc, future,
                                f -> f.writes().contains(st.location()) || f.reads().contains(st.location()));
                default -> false;
            };
            if (free) {
                return t;
            }
        }
        return -1;
    }

    private static boolean noOther(Program program, int t, int[] pc, List<List<Footprint>> future,
                                   Predicate<Footprint> conflicts) {
        for (int other = 0; other < pc.length; other++) {
            if (other != t && pc[other] < program.threads().get(other).size()
                    && conflicts.test(future.get(other).get(pc[other]))) {
                return false;
            }
        }
        return true;
    }

    /** Runs local instructions until a memory instruction or the end; false past the step bound. */
    private boolean runLocal(List<Program.Instruction> code, int t, int[] pc, int[] steps, Map<String, Long> registers) {
        while (pc[t] < code.size()) {
            if (steps[t] > maxStepsPerThread) {
                return false;
            }
            switch (code.get(pc[t])) {
                case Program.Assign a -> {
                    registers.put(a.register(), a.value().eval(registers));
                    pc[t]++;
                }
                case Program.JumpUnless j -> pc[t] = j.condition().eval(registers) == 0 ? j.target() : pc[t] + 1;
                case Program.Jump j -> pc[t] = j.target();
                default -> {
                    return true;
                }
            }
            steps[t]++;
        }
        return true;
    }

    private static void execute(Program.Instruction instruction, WeakMemory model, ModelThread thread,
                                Map<String, Long> address, Map<String, Long> registers) {
        switch (instruction) {
            case Program.Load l -> registers.put(l.register(),
                    asInt(model.read(thread, l.location(), at(address, l.location()), Width.U32, l.mode())));
            case Program.Store s -> model.write(thread, s.location(), at(address, s.location()), Width.U32, s.mode(),
                    s.value().eval(registers));
            case Program.Barrier b -> model.fence(thread, b.fence());
            case Program.Update u -> {
                long old = model.update(thread, u.location(), at(address, u.location()), Width.U32, u.op(),
                        u.expected() == null ? 0 : u.expected().eval(registers),
                        u.operand() == null ? 0 : u.operand().eval(registers));
                if (u.register() != null) {
                    registers.put(u.register(), asInt(old));
                }
            }
            case Program.Lock l -> model.update(thread, l.location(), at(address, l.location()), Width.U32,
                    AtomicOp.COMPARE_AND_SET, 0, 1);
            default -> throw new IllegalStateException("not a memory instruction: " + instruction);
        }
    }


    /** Locations are C {@code int}s: values read are sign-extended from 32 bits. */
    private static long asInt(long value) {
        return (int) value;
    }

    private static long at(Map<String, Long> address, String location) {
        Long a = address.get(location);
        return Objects.requireNonNull(a, () -> "unknown location " + location);
    }

    private static final class Collector {
        final Map<Map<String, Long>, Long> outcomes = new LinkedHashMap<>();
        final List<String> races = new ArrayList<>();
        long executions;
        long cutOff;
        long deadlocks;

        Exploration result(boolean complete) {
            return new Exploration(Collections.unmodifiableMap(outcomes), executions, cutOff, deadlocks, complete, List.copyOf(races));
        }
    }
}
