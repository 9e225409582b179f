package dev.sysmem.explore;

import java.util.SplittableRandom;

/** Uniform choice among the runnable threads; a yielding thread is passed over when another can run. */
final class RandomWalk implements SchedulePolicy {

    private SplittableRandom random;

    @Override
    public void beginSchedule(SplittableRandom scheduleRandom) {
        this.random = scheduleRandom;
    }

    @Override
    public int choose(int choice, int[] enabled, int current, boolean yielding) {
        if (yielding && current >= 0) {
            int pick = random.nextInt(enabled.length - 1);
            for (int id : enabled) {
                if (id != current && pick-- == 0) {
                    return id;
                }
            }
        }
        return enabled[random.nextInt(enabled.length)];
    }
}
