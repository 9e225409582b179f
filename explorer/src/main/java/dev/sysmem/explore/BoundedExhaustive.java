package dev.sysmem.explore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every schedule with at most {@code bound} preemptions, depth first over the tree of choices:
 * each schedule replays the choices of the previous one up to the deepest choice that still has
 * an untried alternative within the bound, takes that alternative, and continues without
 * preempting. Finished when no choice has an alternative left. Needs a deterministic test: a
 * replayed choice point that offers other threads than it did is reported as divergence.
 */
final class BoundedExhaustive implements SchedulePolicy {

    private static final class Node {
        final int[] enabled;
        final int current;
        final boolean yielding;
        final int preemptionsBefore;
        final BitSet tried = new BitSet();
        int chosen;

        Node(int[] enabled, int current, boolean yielding, int preemptionsBefore) {
            this.enabled = enabled;
            this.current = current;
            this.yielding = yielding;
            this.preemptionsBefore = preemptionsBefore;
        }

        int preemptionsAfter() {
            return preemptionsBefore + (SchedulePolicy.preempts(enabled[chosen], enabled, current, yielding) ? 1 : 0);
        }
    }

    private final int bound;
    private final List<Node> path = new ArrayList<>();
    private int replayed;
    private boolean finished;

    BoundedExhaustive(int bound) {
        if (bound < 0) {
            throw new IllegalArgumentException("preemption bound must not be negative, was " + bound);
        }
        this.bound = bound;
    }

    /** Whether every schedule within the bound has been run. */
    boolean finished() {
        return finished;
    }

    @Override
    public void beginSchedule(SplittableRandom scheduleRandom) {
        if (finished) {
            throw new IllegalStateException("every schedule within " + bound + " preemptions was already run");
        }
    }

    @Override
    public int choose(int choice, int[] enabled, int current, boolean yielding) {
        if (choice < replayed) {
            Node node = path.get(choice);
            if (!Arrays.equals(node.enabled, enabled)) {
                throw new ReplayDivergence("exhaustive exploration: choice " + choice + " offered threads "
                        + Arrays.toString(enabled) + " where an earlier run of the same prefix offered "
                        + Arrays.toString(node.enabled) + "; the test is not deterministic under the explorer");
            }
            return node.enabled[node.chosen];
        }
        int before = path.isEmpty() ? 0 : path.getLast().preemptionsAfter();
        Node node = new Node(enabled, current, yielding, before);
        int pick = SchedulePolicy.nonPreemptive(enabled, current, yielding);
        node.chosen = Arrays.binarySearch(enabled, pick);
        node.tried.set(node.chosen);
        path.add(node);
        replayed = path.size();
        return pick;
    }

    @Override
    public void endSchedule(int choices) {
        while (path.size() > choices) {
            path.removeLast();
        }
        for (int depth = path.size() - 1; depth >= 0; depth--) {
            Node node = path.get(depth);
            for (int i = 0; i < node.enabled.length; i++) {
                if (node.tried.get(i)) {
                    continue;
                }
                int cost = SchedulePolicy.preempts(node.enabled[i], node.enabled, node.current, node.yielding) ? 1 : 0;
                if (node.preemptionsBefore + cost <= bound) {
                    node.tried.set(i);
                    node.chosen = i;
                    while (path.size() > depth + 1) {
                        path.removeLast();
                    }
                    replayed = depth + 1;
                    return;
                }
            }
        }
        path.clear();
        finished = true;
    }
}
