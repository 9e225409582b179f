package dev.sysmem.explore;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Replays recorded choices. Strict (replaying a user's string): a recorded thread that cannot run,
 * or running out of recorded choices, is a {@link ReplayDivergence}. Lenient (shrinking): a
 * choice that does not fit, and every choice past the recording, is the non-preemptive one.
 */
final class RecordedSchedule implements SchedulePolicy {

    private final int[] choices;
    private final boolean strict;
    private int used;

    RecordedSchedule(int[] choices, boolean strict) {
        this.choices = choices;
        this.strict = strict;
    }

    @Override
    public void beginSchedule(SplittableRandom scheduleRandom) {
        used = 0;
    }

    @Override
    public int choose(int choice, int[] enabled, int current, boolean yielding) {
        if (choice >= choices.length) {
            if (strict) {
                throw new ReplayDivergence("replay diverged: the program reached choice " + (choice + 1)
                        + " but the recording has only " + choices.length + " choices (runnable threads "
                        + Arrays.toString(enabled) + ")");
            }
            return SchedulePolicy.nonPreemptive(enabled, current, yielding);
        }
        used = choice + 1;
        int recorded = choices[choice];
        if (Arrays.binarySearch(enabled, recorded) < 0) {
            if (strict) {
                throw new ReplayDivergence("replay diverged at choice " + (choice + 1) + " of " + choices.length
                        + ": the recorded thread " + recorded + " cannot run there (runnable threads "
                        + Arrays.toString(enabled) + ")");
            }
            return SchedulePolicy.nonPreemptive(enabled, current, yielding);
        }
        return recorded;
    }

    /** How many recorded choices the last schedule used. */
    int used() {
        return used;
    }

    int length() {
        return choices.length;
    }
}
