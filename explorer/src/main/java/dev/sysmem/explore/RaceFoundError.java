package dev.sysmem.explore;

/** Thrown by {@link Explorer#check}: a schedule failed. Its message is {@link RaceReport#describe()}. */
public final class RaceFoundError extends AssertionError {

    private final transient RaceReport report;

    RaceFoundError(RaceReport report) {
        super(report.describe(), report.failure());
        this.report = report;
    }

    /** The report. */
    public RaceReport report() {
        return report;
    }
}
