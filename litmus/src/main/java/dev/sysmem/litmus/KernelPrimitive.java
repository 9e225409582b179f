package dev.sysmem.litmus;

import dev.sysmem.litmus.runtime.KernelOps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The mapping from the Linux kernel's memory-model primitives to SysMem calls, with the reason
 * each is at least as strong as the kernel's: one row per primitive name a litmus file may call.
 * The code of each row is a method of {@link KernelOps}; README.md shows this table as
 * {@link #markdownTable()} renders it, and a test keeps the two equal.
 *
 * <p>Each row also states, for the dependency rule ({@link DependencyRule}), what the primitive
 * does in the Linux-kernel memory model (LKMM): whether it reads memory, writes it, is an
 * acquire, a release or a full barrier. Those are the kernel's semantics, not the mapping's.
 *
 * @param name        the kernel name, as litmus files call it
 * @param arguments   what each argument must be
 * @param returnsValue whether the call has a value (so it may be assigned to a register)
 * @param java        the Java expression or statement, with {@code $0}, {@code $1}, ... for the arguments
 * @param sysmem      the SysMem call, for the table
 * @param why         why the SysMem call is at least as strong as the kernel primitive
 * @param effects     what the primitive does in LKMM
 */
public record KernelPrimitive(String name, List<Argument> arguments, boolean returnsValue, String java,
                              String sysmem, String why, Set<Effect> effects) {

    /** What an argument of a primitive must be. */
    public enum Argument {
        /** {@code *x}, {@code x} a global named by a process parameter: the location written or read. */
        DEREFERENCED_LOCATION,
        /** {@code x}, a global named by a process parameter: a pointer to the location. */
        LOCATION,
        /** An integer expression. */
        VALUE
    }

    /** What a primitive does in the Linux-kernel memory model. */
    public enum Effect {
        /** Reads memory and yields the value read (a marked read: it heads dependencies). */
        READS,
        /** Writes memory. */
        WRITES,
        /** Its read is ordered before every later access of the process. */
        ACQUIRE,
        /** Its write is ordered after every earlier access of the process. */
        RELEASE,
        /** Orders every earlier access before every later one (smp_mb and fully ordered RMWs). */
        FULL_BARRIER
    }

    private static final Map<String, KernelPrimitive> ROWS = new LinkedHashMap<>();
    private static final Map<String, String> REFUSED = new LinkedHashMap<>();

    private static final String OPAQUE_WHY = "getOpaque/setOpaque are never torn, merged or elided and are coherent "
            + "per location, as READ_ONCE/WRITE_ONCE; LKMM gives them no other ordering (dependencies aside, see below)";
    private static final String FULL_RMW_WHY = "a volatile (sequentially consistent) RMW with a fullFence before and after, "
            + "as atomic_t.txt defines fully ordered RMWs; a volatile RMW alone does not order the opaque accesses "
            + "around it that strongly";
    private static final String PARTIAL_RMW_WHY = "a volatile RMW is at least acquire and release and atomic; "
            + "VarHandle has no relaxed RMW";
    private static final String NORETURN_WHY = "LKMM gives non-returning RMWs no ordering; a volatile RMW is atomic and ordered";

    static {
        Argument d = Argument.DEREFERENCED_LOCATION;
        Argument l = Argument.LOCATION;
        Argument v = Argument.VALUE;
        row("READ_ONCE", List.of(d), true, "KernelOps.readOnce(MEM, $0)", "OPAQUE view read32 (getOpaque)", OPAQUE_WHY,
                Effect.READS);
        row("WRITE_ONCE", List.of(d, v), false, "KernelOps.writeOnce(MEM, $0, $1)", "OPAQUE view write32 (setOpaque)",
                OPAQUE_WHY, Effect.WRITES);
        row("smp_load_acquire", List.of(l), true, "KernelOps.loadAcquire(MEM, $0)",
                "ACQUIRE_RELEASE view read32 (getAcquire)",
                "getAcquire orders the read before every later access, as an LKMM acquire", Effect.READS, Effect.ACQUIRE);
        row("smp_store_release", List.of(l, v), false, "KernelOps.storeRelease(MEM, $0, $1)",
                "ACQUIRE_RELEASE view write32 (setRelease)",
                "setRelease orders every earlier access before the write and, like LKMM's release, is cumulative",
                Effect.WRITES, Effect.RELEASE);
        row("smp_store_mb", List.of(d, v), false, "KernelOps.storeMb(MEM, $0, $1)", "write32 (setOpaque), Barriers.mb()",
                "the kernel defines it as WRITE_ONCE then smp_mb", Effect.WRITES, Effect.FULL_BARRIER);
        row("smp_mb", List.of(), false, "KernelOps.mb()", "Barriers.mb() (fullFence)",
                "fullFence orders all accesses before against all after, and full fences are totally ordered: "
                        + "cumulative and propagating like smp_mb", Effect.FULL_BARRIER);
        row("smp_rmb", List.of(), false, "KernelOps.rmb()", "Barriers.rmb() (loadLoadFence)",
                "loadLoadFence orders earlier loads before later loads, as smp_rmb (the JDK implements it as an acquire "
                        + "fence, which also orders loads before stores)");
        row("smp_wmb", List.of(), false, "KernelOps.wmb()", "Barriers.wmb() (storeStoreFence)",
                "storeStoreFence orders earlier stores before later stores, as smp_wmb (the JDK implements it as a "
                        + "release fence, which also orders loads before stores)");
        row("smp_mb__before_atomic", List.of(), false, "KernelOps.mb()", "Barriers.mb() (fullFence)",
                "a full fence orders the following RMW against everything, more than the kernel's promise",
                Effect.FULL_BARRIER);
        row("smp_mb__after_atomic", List.of(), false, "KernelOps.mb()", "Barriers.mb() (fullFence)",
                "a full fence orders the preceding RMW against everything, more than the kernel's promise",
                Effect.FULL_BARRIER);
        row("barrier", List.of(), false, "KernelOps.mb()", "Barriers.mb() (fullFence)",
                "Java has no compiler-only barrier; a full fence is a stronger one");
        for (String base : List.of("xchg", "atomic_xchg")) {
            family(base, List.of(l, v), "KernelOps.xchg(MEM, RmwOrdering.%s, $0, $1)", "getAndSet32");
        }
        for (String base : List.of("cmpxchg", "atomic_cmpxchg")) {
            family(base, List.of(l, v, v), "KernelOps.cmpxchg(MEM, RmwOrdering.%s, $0, $1, $2)", "compareAndExchange32");
        }
        family("atomic_add_return", List.of(v, l), "KernelOps.addReturn(MEM, RmwOrdering.%s, $1, $0)", "getAndAdd32");
        family("atomic_sub_return", List.of(v, l), "KernelOps.addReturn(MEM, RmwOrdering.%s, $1, -($0))", "getAndAdd32");
        family("atomic_inc_return", List.of(l), "KernelOps.addReturn(MEM, RmwOrdering.%s, $0, 1)", "getAndAdd32");
        family("atomic_dec_return", List.of(l), "KernelOps.addReturn(MEM, RmwOrdering.%s, $0, -1)", "getAndAdd32");
        family("atomic_fetch_add", List.of(v, l), "KernelOps.fetchAdd(MEM, RmwOrdering.%s, $1, $0)", "getAndAdd32");
        family("atomic_fetch_sub", List.of(v, l), "KernelOps.fetchAdd(MEM, RmwOrdering.%s, $1, -($0))", "getAndAdd32");
        family("atomic_fetch_inc", List.of(l), "KernelOps.fetchAdd(MEM, RmwOrdering.%s, $0, 1)", "getAndAdd32");
        family("atomic_fetch_dec", List.of(l), "KernelOps.fetchAdd(MEM, RmwOrdering.%s, $0, -1)", "getAndAdd32");
        family("atomic_fetch_or", List.of(v, l), "KernelOps.fetchOr(MEM, RmwOrdering.%s, $1, $0)", "getAndBitwiseOr32");
        family("atomic_fetch_and", List.of(v, l), "KernelOps.fetchAnd(MEM, RmwOrdering.%s, $1, $0)", "getAndBitwiseAnd32");
        family("atomic_add_negative", List.of(v, l), "(KernelOps.addReturn(MEM, RmwOrdering.%s, $1, $0) < 0 ? 1 : 0)",
                "getAndAdd32");
        row("atomic_inc_and_test", List.of(l), true, "(KernelOps.addReturn(MEM, RmwOrdering.FULL, $0, 1) == 0 ? 1 : 0)",
                "Barriers.mb(), getAndAdd32, Barriers.mb()", FULL_RMW_WHY, Effect.READS, Effect.WRITES,
                Effect.FULL_BARRIER);
        row("atomic_dec_and_test", List.of(l), true, "(KernelOps.addReturn(MEM, RmwOrdering.FULL, $0, -1) == 0 ? 1 : 0)",
                "Barriers.mb(), getAndAdd32, Barriers.mb()", FULL_RMW_WHY, Effect.READS, Effect.WRITES,
                Effect.FULL_BARRIER);
        row("atomic_sub_and_test", List.of(v, l), true,
                "(KernelOps.addReturn(MEM, RmwOrdering.FULL, $1, -($0)) == 0 ? 1 : 0)",
                "Barriers.mb(), getAndAdd32, Barriers.mb()", FULL_RMW_WHY, Effect.READS, Effect.WRITES,
                Effect.FULL_BARRIER);
        noReturn("atomic_add", List.of(v, l), "KernelOps.fetchAdd(MEM, RmwOrdering.RMW_ONLY, $1, $0)", "getAndAdd32");
        noReturn("atomic_sub", List.of(v, l), "KernelOps.fetchAdd(MEM, RmwOrdering.RMW_ONLY, $1, -($0))", "getAndAdd32");
        noReturn("atomic_inc", List.of(l), "KernelOps.fetchAdd(MEM, RmwOrdering.RMW_ONLY, $0, 1)", "getAndAdd32");
        noReturn("atomic_dec", List.of(l), "KernelOps.fetchAdd(MEM, RmwOrdering.RMW_ONLY, $0, -1)", "getAndAdd32");
        noReturn("atomic_or", List.of(v, l), "KernelOps.fetchOr(MEM, RmwOrdering.RMW_ONLY, $1, $0)", "getAndBitwiseOr32");
        noReturn("atomic_and", List.of(v, l), "KernelOps.fetchAnd(MEM, RmwOrdering.RMW_ONLY, $1, $0)", "getAndBitwiseAnd32");
        row("atomic_read", List.of(l), true, "KernelOps.readOnce(MEM, $0)", "OPAQUE view read32 (getOpaque)",
                "atomic_read is READ_ONCE of the counter", Effect.READS);
        row("atomic_read_acquire", List.of(l), true, "KernelOps.loadAcquire(MEM, $0)",
                "ACQUIRE_RELEASE view read32 (getAcquire)", "atomic_read_acquire is smp_load_acquire of the counter",
                Effect.READS, Effect.ACQUIRE);
        row("atomic_set", List.of(l, v), false, "KernelOps.writeOnce(MEM, $0, $1)", "OPAQUE view write32 (setOpaque)",
                "atomic_set is WRITE_ONCE of the counter", Effect.WRITES);
        row("atomic_set_release", List.of(l, v), false, "KernelOps.storeRelease(MEM, $0, $1)",
                "ACQUIRE_RELEASE view write32 (setRelease)", "atomic_set_release is smp_store_release of the counter",
                Effect.WRITES, Effect.RELEASE);
        row("spin_lock", List.of(l), false, "KernelOps.spinLock(MEM, $0)",
                "compareAndSet32(s, 0, 1) until it succeeds (10 s deadline), then Barriers.mb()",
                "a volatile CAS is an acquire and critical sections of one lock follow each other; LKMM also orders "
                        + "what precedes an unlock with what follows the next lock almost like smp_mb, for every CPU, "
                        + "which a release store and an acquire CAS alone do not promise in Java: the full fence does",
                Effect.READS, Effect.WRITES, Effect.ACQUIRE);
        row("spin_unlock", List.of(l), false, "KernelOps.spinUnlock(MEM, $0)", "ACQUIRE_RELEASE view write32(s, 0) (setRelease)",
                "a release store, as the kernel's unlock", Effect.WRITES, Effect.RELEASE);
        row("spin_trylock", List.of(l), true, "KernelOps.spinTrylock(MEM, $0)", "compareAndSet32(s, 0, 1), then Barriers.mb() if taken",
                "as spin_lock when it takes the lock; a failed trylock orders nothing in LKMM", Effect.READS, Effect.WRITES, Effect.ACQUIRE);

        String rcu = "RCU (read-side critical sections and grace periods) has no SysMem counterpart";
        for (String f : List.of("rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "synchronize_rcu_expedited",
                "rcu_dereference", "rcu_assign_pointer", "call_rcu", "rcu_barrier")) {
            REFUSED.put(f, rcu);
        }
        String srcu = "SRCU (sleepable RCU) has no SysMem counterpart";
        for (String f : List.of("srcu_read_lock", "srcu_read_unlock", "srcu_down_read", "srcu_up_read",
                "synchronize_srcu", "synchronize_srcu_expedited", "smp_mb__after_srcu_read_unlock")) {
            REFUSED.put(f, srcu);
        }
        REFUSED.put("smp_mb__after_spinlock", "LKMM's rule for it orders a lock's critical "
                + "section against accesses of the lock's earlier holders; nothing shows sysmem's CAS spin lock keeps it");
        REFUSED.put("smp_mb__after_unlock_lock", "LKMM's unlock+lock rule rests on the "
                + "kernel's lock implementation, which sysmem's CAS spin lock does not reproduce");
        REFUSED.put("spin_is_locked", "LKMM gives it rules of its own (it reads the lock's state "
                + "against critical sections), which a plain read of the lock word does not reproduce");
        String xor = "SysMem has no atomic XOR or AND-NOT (VarHandle getAndBitwiseXor is not exposed)";
        for (String base : List.of("atomic_xor", "atomic_andnot", "atomic_fetch_xor", "atomic_fetch_andnot")) {
            REFUSED.put(base, xor);
            for (String suffix : List.of("_relaxed", "_acquire", "_release")) {
                REFUSED.put(base + suffix, xor);
            }
        }
        for (String f : List.of("atomic_add_unless", "atomic_inc_not_zero", "atomic_fetch_add_unless")) {
            REFUSED.put(f, "conditional RMWs are not translated");
        }
    }

    private static void row(String name, List<Argument> args, boolean returnsValue, String java, String sysmem,
                            String why, Effect... effects) {
        Set<Effect> set = effects.length == 0 ? EnumSet.noneOf(Effect.class) : EnumSet.of(effects[0], effects);
        ROWS.put(name, new KernelPrimitive(name, args, returnsValue, java, sysmem, why, Collections.unmodifiableSet(set)));
    }

    private static void family(String base, List<Argument> args, String javaFormat, String atomic) {
        row(base, args, true, javaFormat.formatted("FULL"), "Barriers.mb(), " + atomic + ", Barriers.mb()", FULL_RMW_WHY,
                Effect.READS, Effect.WRITES, Effect.FULL_BARRIER);
        row(base + "_relaxed", args, true, javaFormat.formatted("RMW_ONLY"), atomic + " (volatile)", PARTIAL_RMW_WHY,
                Effect.READS, Effect.WRITES);
        row(base + "_acquire", args, true, javaFormat.formatted("RMW_ONLY"), atomic + " (volatile)", PARTIAL_RMW_WHY,
                Effect.READS, Effect.WRITES, Effect.ACQUIRE);
        row(base + "_release", args, true, javaFormat.formatted("RMW_ONLY"), atomic + " (volatile)", PARTIAL_RMW_WHY,
                Effect.READS, Effect.WRITES, Effect.RELEASE);
    }

    private static void noReturn(String name, List<Argument> args, String java, String atomic) {
        row(name, args, false, java, atomic + " (volatile)", NORETURN_WHY, Effect.WRITES);
    }

    /** The row for {@code name}, if the translation supports it. */
    public static Optional<KernelPrimitive> of(String name) {
        return Optional.ofNullable(ROWS.get(name));
    }

    /** Why {@code name} is refused, if it is a known primitive the translation does not support. */
    public static Optional<String> refusal(String name) {
        return Optional.ofNullable(REFUSED.get(name));
    }

    /** Every supported primitive, in table order. */
    public static List<KernelPrimitive> all() {
        return List.copyOf(ROWS.values());
    }

    /** Every refused primitive and why. */
    public static Map<String, String> refused() {
        return Collections.unmodifiableMap(REFUSED);
    }

    /** The Java call with {@code args} (Java expressions) in place of {@code $0}, {@code $1}, .... */
    public String javaCall(List<String> args) {
        String out = java;
        for (int i = args.size() - 1; i >= 0; i--) {
            out = out.replace("$" + i, args.get(i));
        }
        return out;
    }

    /**
     * The mapping as a Markdown table (kernel primitive, SysMem call, why at least as strong), then
     * the refused primitives; suffixed forms of one RMW family share a row.
     */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| kernel primitive | SysMem call | why it is at least as strong |\n"
                + "|---|---|---|\n");
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, KernelPrimitive> first = new LinkedHashMap<>();
        for (KernelPrimitive p : ROWS.values()) {
            String key = p.sysmem + "\u0000" + p.why;
            names.computeIfAbsent(key, k -> new ArrayList<>()).add("`" + p.name + "`");
            first.putIfAbsent(key, p);
        }
        names.forEach((key, list) -> out.append("| ").append(String.join(", ", list)).append(" | ")
                .append(first.get(key).sysmem).append(" | ").append(first.get(key).why).append(" |\n"));
        out.append("\n| refused primitive | why |\n|---|---|\n");
        Map<String, List<String>> refusedByReason = new LinkedHashMap<>();
        REFUSED.forEach((name, reason) -> refusedByReason.computeIfAbsent(reason, k -> new ArrayList<>()).add("`" + name + "`"));
        refusedByReason.forEach((reason, list) -> out.append("| ").append(String.join(", ", list)).append(" | ")
                .append(reason).append(" |\n"));
        return out.toString();
    }
}
