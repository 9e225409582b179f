package dev.sysmem.sim.virtio;

import java.util.List;

/**
 * What {@code VIRTIO_F_EVENT_IDX} promises about notification counts on any schedule: each
 * re-arm ({@code avail_event} or {@code used_event} written where the other side can reach it)
 * lets at most one notification through, because the other side notifies only when the index it
 * publishes passes that exact entry, and indices only grow. The ring's initial index of 0 counts
 * as one more re-arm. A side that kept its index within reach while busy, or the flags (which
 * let a notification through for every buffer until the other side disables), exceed it.
 */
final class NotificationBudget {

    private NotificationBudget() {
    }

    /** A failure message if the driver kicked more often than the device re-armed, plus one. */
    static List<String> kicks(int queueSize, long kicks, long deviceRearms) {
        return kicks <= deviceRearms + 1 ? List.of()
                : List.of("QS " + queueSize + ": " + kicks + " kicks for " + deviceRearms
                        + " device re-arms: more than one kick per re-arm (plus the ring's initial avail_event)");
    }

    /** A failure message if the device interrupted more often than the driver re-armed, plus one. */
    static List<String> interrupts(int queueSize, long interrupts, long driverRearms) {
        return interrupts <= driverRearms + 1 ? List.of()
                : List.of("QS " + queueSize + ": " + interrupts + " interrupts for " + driverRearms
                        + " driver re-arms: more than one interrupt per re-arm (plus the ring's initial used_event)");
    }
}
