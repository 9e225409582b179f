package dev.sysmem.explore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * PCT (Burckhardt et al., ASPLOS 2010). Each thread gets a random place in a priority order when
 * it is created; the highest-priority runnable thread runs; {@code depth - 1} change points are
 * drawn uniformly among the choice points, and at each the thread about to run drops to the
 * bottom of the order. Only choice points count as steps (as Fray and Coyote count them), and the
 * number of steps {@code k} is learnt: the largest number of choices an earlier schedule made (so
 * the first schedule has no change points).
 *
 * <p>A yielding thread (spinning or sleeping) is passed over for one choice if another can run,
 * without losing its priority: otherwise a high-priority thread spinning for a low-priority one
 * would spin until the step bound.
 */
final class PriorityChangePolicy implements SchedulePolicy {

    private SplittableRandom random;
    private final int depth;
    private final List<Integer> order = new ArrayList<>();
    private final Set<Integer> changePoints = new HashSet<>();
    private int learntSteps;

    PriorityChangePolicy(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("PCT depth must be at least 1, was " + depth);
        }
        this.depth = depth;
    }

    @Override
    public void beginSchedule(SplittableRandom scheduleRandom) {
        random = scheduleRandom;
        order.clear();
        changePoints.clear();
        if (learntSteps > 0) {
            for (int i = 0; i < depth - 1; i++) {
                changePoints.add(random.nextInt(learntSteps));
            }
        }
    }

    @Override
    public void threadCreated(int id) {
        order.add(random.nextInt(order.size() + 1), id);
    }

    /** Priorities order threads, not values: a value is drawn at random, from the schedule's source. */
    @Override
    public int chooseValue(int choice, int options) {
        return random.nextInt(options);
    }

    @Override
    public int choose(int choice, int[] enabled, int current, boolean yielding) {
        int excluded = yielding ? current : -1;
        int chosen = highest(enabled, excluded);
        if (changePoints.contains(choice)) {
            order.remove(Integer.valueOf(chosen));
            order.add(chosen);
            chosen = highest(enabled, excluded);
        }
        return chosen;
    }

    private int highest(int[] enabled, int excluded) {
        for (int id : order) {
            if (id != excluded && contains(enabled, id)) {
                return id;
            }
        }
        return enabled[0];
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void endSchedule(int choices) {
        learntSteps = Math.max(learntSteps, choices);
    }
}
