package dev.sysmem.explore.weak;

import java.util.ArrayList;
import java.util.List;

/**
 * Enumerates every decision sequence of a deterministic program, depth first, by re-execution:
 * run the program with this chooser, call {@link #advance()}, run it again, until
 * {@code advance} returns false. Each run takes the first untried alternative at the deepest
 * decision that still has one, so every execution the program can make under the model is run
 * exactly once.
 *
 * <p>The program must make the same decisions with the same numbers of alternatives when given
 * the same answers; if a replayed decision offers a different number of alternatives the program
 * is not deterministic and {@link #choose} says so.
 */
public final class DepthFirstChooser implements Chooser {

    private final List<int[]> path = new ArrayList<>();
    private int position;

    @Override
    public int choose(int options, String what) {
        if (options < 1) {
            throw new IllegalArgumentException("no alternatives to choose from for " + what);
        }
        if (position < path.size()) {
            int[] decision = path.get(position++);
            if (decision[1] != options) {
                throw new IllegalStateException("the program is not deterministic: decision " + (position - 1)
                        + " (" + what + ") had " + decision[1] + " alternatives before and " + options + " now");
            }
            return decision[0];
        }
        path.add(new int[] {0, options});
        position++;
        return 0;
    }

    /** Moves to the next unexplored decision sequence; false when every one has been run. */
    public boolean advance() {
        position = 0;
        while (!path.isEmpty()) {
            int[] last = path.getLast();
            if (last[0] + 1 < last[1]) {
                last[0]++;
                return true;
            }
            path.removeLast();
        }
        return false;
    }

    /** The decisions taken in the current run, as {@code choice/options} pairs, for a trace. */
    public String decisions() {
        StringBuilder s = new StringBuilder();
        for (int[] d : path) {
            s.append(s.isEmpty() ? "" : " ").append(d[0]).append('/').append(d[1]);
        }
        return s.toString();
    }
}
