package dev.sysmem.explore.weak;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.spi.Fence;
import dev.sysmem.explore.weak.Program.*;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.sysmem.io.AccessMode.*;

/** The classic litmus shapes as model programs, with the verdicts the Java access modes give them. */
final class Shapes {

    static Store w(String loc, AccessMode m, long v) { return new Store(loc, m, new Const(v)); }
    static Load r(String reg, String loc, AccessMode m) { return new Load(reg, loc, m); }
    static Barrier f(Fence fence) { return new Barrier(fence); }

    static AccessMode weaker(AccessMode m) { return m; }

    static Program mp(AccessMode wm, AccessMode rm, boolean fences) {
        return new Program("MP", List.of(
                fences ? List.of(w("x", OPAQUE, 1), f(Fence.WMB), w("y", wm, 1)) : List.of(w("x", OPAQUE, 1), w("y", wm, 1)),
                fences ? List.of(r("r0", "y", rm), f(Fence.RMB), r("r1", "x", OPAQUE)) : List.of(r("r0", "y", rm), r("r1", "x", OPAQUE))),
                Map.of(), List.of("x", "y"));
    }

    static Program sb(AccessMode m, boolean mb) {
        return new Program("SB", List.of(
                mb ? List.of(w("x", m, 1), f(Fence.MB), r("r0", "y", m)) : List.of(w("x", m, 1), r("r0", "y", m)),
                mb ? List.of(w("y", m, 1), f(Fence.MB), r("r0", "x", m)) : List.of(w("y", m, 1), r("r0", "x", m))),
                Map.of(), List.of("x", "y"));
    }

    static Program lb(AccessMode m) {
        return new Program("LB", List.of(
                List.of(r("r0", "x", m), w("y", m, 1)),
                List.of(r("r0", "y", m), w("x", m, 1))), Map.of(), List.of("x", "y"));
    }

    static Program iriw(AccessMode m) {
        return new Program("IRIW", List.of(
                List.of(w("x", m, 1)),
                List.of(r("r0", "x", m), r("r1", "y", m)),
                List.of(w("y", m, 1)),
                List.of(r("r0", "y", m), r("r1", "x", m))), Map.of(), List.of("x", "y"));
    }

    static Program twoPlusTwoW(AccessMode m) {
        return new Program("2+2W", List.of(
                List.of(w("x", m, 1), w("y", m, 2)),
                List.of(w("y", m, 1), w("x", m, 2))), Map.of(), List.of("x", "y"));
    }

    static Program corr() {
        return new Program("CoRR", List.of(
                List.of(w("x", OPAQUE, 1)),
                List.of(r("r0", "x", OPAQUE), r("r1", "x", OPAQUE))), Map.of(), List.of("x"));
    }

    static Program wrc(AccessMode wm, AccessMode rm) {
        return new Program("WRC", List.of(
                List.of(w("x", OPAQUE, 1)),
                List.of(r("r0", "x", OPAQUE), w("y", wm, 1)),
                List.of(r("r0", "y", rm), r("r1", "x", OPAQUE))), Map.of(), List.of("x", "y"));
    }

    static Program wrcWmb() {
        return new Program("WRC+wmb+rmb", List.of(
                List.of(w("x", OPAQUE, 1)),
                List.of(r("r0", "x", OPAQUE), f(Fence.WMB), w("y", OPAQUE, 1)),
                List.of(r("r0", "y", OPAQUE), f(Fence.RMB), r("r1", "x", OPAQUE))), Map.of(), List.of("x", "y"));
    }

    static long v(Map<String, Long> s, String k) { return s.getOrDefault(k, 0L); }

}
