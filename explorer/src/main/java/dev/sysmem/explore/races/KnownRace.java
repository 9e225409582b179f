package dev.sysmem.explore.races;

import dev.sysmem.explore.ExploredTest;

import java.util.List;

/**
 * A driver with a known race and its fix.
 *
 * @param name  the race's name (also the test name in replay strings)
 * @param buggy the racy driver against the device: some schedules fail
 * @param fixed the corrected driver: no schedule fails
 */
public record KnownRace(String name, ExploredTest buggy, ExploredTest fixed) {

    /** Every known race of this package. */
    public static List<KnownRace> all() {
        return List.of(EduInterruptAck.RACE, EduStatusPoll.RACE, MailboxDoorbellFirst.RACE, MailboxWithoutOwner.RACE);
    }

    /**
     * The races that only weak memory shows: a missing release, acquire or barrier. Every
     * interleaving of them is correct under sequential consistency (and on x86-64's TSO), so the
     * explorer finds them only with {@code weakMemory(true)}.
     */
    public static List<KnownRace> weakMemory() {
        return List.of(MailboxOpaqueDoorbell.RACE);
    }
}
