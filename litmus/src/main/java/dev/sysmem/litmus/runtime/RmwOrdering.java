package dev.sysmem.litmus.runtime;

import dev.sysmem.io.Barriers;

/**
 * The ordering a kernel read-modify-write asks for, by its name's suffix. Every SysMem atomic is a
 * sequentially consistent ({@code VarHandle} volatile) RMW whatever the view's mode, which already
 * covers {@code _relaxed}, {@code _acquire} and {@code _release}. The unsuffixed, value-returning
 * forms are fully ordered in the kernel ("as if an smp_mb() before and after"), and a volatile
 * RMW alone does not order the plain and opaque accesses around it that strongly (a store
 * buffering test built from volatile RMWs and opaque loads is allowed by the Java memory model),
 * so {@link #FULL} puts {@link Barriers#mb()} on both sides.
 */
public enum RmwOrdering {
    /** No suffix on a value-returning RMW: {@code smp_mb()} before and after. */
    FULL,
    /** {@code _relaxed}, {@code _acquire}, {@code _release}, and the non-returning RMWs: the volatile RMW alone. */
    RMW_ONLY;

    void before() {
        if (this == FULL) {
            Barriers.mb();
        }
    }

    void after() {
        if (this == FULL) {
            Barriers.mb();
        }
    }
}
