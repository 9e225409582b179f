package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vring_need_event(event_idx, new, old)}: notify iff event_idx is in [old, new) modulo
 * 2^16 (VIRTIO 1.x "Used Buffer Notification Suppression"; virtio-queue.h {@code virtq_need_event}).
 */
class EventIndexTest {

    @Test
    void notifiesIffTheEventIndexWasJustPassed() {
        // the other side asked to hear about index 8; we move from 7 to 10: entries 7, 8, 9 written
        assertThat(EventIndex.needEvent(8, 10, 7)).isTrue();
        assertThat(EventIndex.needEvent(7, 10, 7)).isTrue();     // old itself is in [old, new)
        assertThat(EventIndex.needEvent(9, 10, 7)).isTrue();     // new - 1
        assertThat(EventIndex.needEvent(10, 10, 7)).isFalse();   // new itself is not written yet
        assertThat(EventIndex.needEvent(6, 10, 7)).isFalse();    // already passed before
        assertThat(EventIndex.needEvent(100, 10, 7)).isFalse();
        assertThat(EventIndex.needEvent(5, 5, 5)).isFalse();     // nothing moved
    }

    @Test
    void oneStepNotifiesExactlyWhenTheEntryWentToTheEventIndex() {
        // "If the idx field in the used ring (which determined where that descriptor index was
        // placed) was equal to used_event, the device MUST send a notification."
        for (int event = 0; event < 70_000; event += 997) {
            for (int idx = 0; idx < 70_000; idx += 991) {
                boolean expected = (idx & 0xffff) == (event & 0xffff);
                assertThat(EventIndex.needEvent(event, idx + 1, idx)).as("event %d idx %d", event, idx).isEqualTo(expected);
            }
        }
    }

    @Test
    void wrapsAt65536() {
        assertThat(EventIndex.needEvent(0xffff, 0x0001, 0xfffe)).isTrue();   // window fe, ff, 00
        assertThat(EventIndex.needEvent(0x0000, 0x0001, 0xfffe)).isTrue();
        assertThat(EventIndex.needEvent(0x0001, 0x0001, 0xfffe)).isFalse();
        assertThat(EventIndex.needEvent(0xfffd, 0x0001, 0xfffe)).isFalse();
        // only the low 16 bits count, as for the C function's u16 parameters
        assertThat(EventIndex.needEvent(0x1_0008, 0x3_000a, 0x2_0007)).isTrue();
        assertThat(EventIndex.needEvent(-1, 0, 0xffff)).isTrue();
    }

    @Test
    void usedEventZeroNotifiesAfterTheFirstBufferAndAgain65536BuffersLater() {
        // Spec note: "if used_event is 0, then a device using VIRTIO_F_EVENT_IDX would send a used
        // buffer notification to the driver after the first buffer is used (and again after the
        // 65536th buffer, etc)". Buffer n (1-based) goes to used index n-1, so the indexes that
        // equal 0 mod 2^16 are buffers 1, 65537, 131073: 65536 buffers apart.
        List<Integer> notifiedAfter = new ArrayList<>();
        int usedIdx = 0;
        for (int buffer = 1; buffer <= 3 * 65536; buffer++) {
            int old = usedIdx;
            usedIdx = (usedIdx + 1) & 0xffff;
            if (EventIndex.needEvent(0, usedIdx, old)) {
                notifiedAfter.add(buffer);
            }
        }
        assertThat(notifiedAfter).containsExactly(1, 65537, 131073);
    }

    @Test
    void aBatchNotifiesOnceIfItCoversTheEventIndex() {
        // a window as wide as a whole 32768-entry queue still sees an event index inside it
        assertThat(EventIndex.needEvent(40_000, 60_000, 60_000 - 32768)).isTrue();
        assertThat(EventIndex.needEvent(20_000, 60_000, 60_000 - 32768)).isFalse();
    }
}
