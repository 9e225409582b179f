package dev.sysmem.litmus;

/**
 * What the weak-memory model says about a litmus test, as the cells a litmus run's table shows
 * beside what this machine showed: jcstress can only report what the hardware does (x86-64 is
 * TSO, so most weak outcomes never appear here), the model reports what the Java access modes
 * allow. Made by {@code LitmusExploration.column()}.
 *
 * @param observed what the model shows, e.g. {@code Sometimes (4 of 16 executions)}, or "-"
 * @param verdict  the model's verdict label (CONSISTENT, MODEL-STRONGER, MODEL-WEAKER, ...)
 * @param why      the reason behind the verdict (limits, dependency edges, refusal), or empty
 * @param failsRun whether the verdict is a model bug that fails the run (a Never outcome reached)
 */
public record ModelColumn(String observed, String verdict, String why, boolean failsRun) {
}
