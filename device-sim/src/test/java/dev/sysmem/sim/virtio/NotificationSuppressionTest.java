package dev.sysmem.sim.virtio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kicks (available-buffer notifications) and interrupts (used-buffer notifications) are sent
 * exactly when VIRTIO 1.x "Used Buffer Notification Suppression" and "Available Buffer
 * Notification Suppression" say they must be, and not when they should not, with and without
 * {@code VIRTIO_F_EVENT_IDX}.
 */
class NotificationSuppressionTest {

    private static final long DATA = 0x10000;

    private static void addOne(QueuePair q) {
        assertThat(q.driver.add(DATA, 8, DATA + 64, 8)).isNotNegative();
    }

    // ---- without EVENT_IDX: the flags ---------------------------------------------------------

    @Test
    void withoutEventIdxTheDriverKicksUnlessUsedFlagsSaysNoNotify() {
        try (QueuePair q = new QueuePair(16, false, new Echo())) {
            // "If flags is 0, the driver MUST send a notification": used.flags starts at 0.
            for (int i = 0; i < 3; i++) {
                addOne(q);
                assertThat(q.driver.kickIfNeeded()).isTrue();
            }
            assertThat(q.kicks).isEqualTo(3);

            // "If flags is 1, the driver SHOULD NOT send a notification."
            q.device.disableNotifications();
            assertThat(q.read16(q.layout.usedFlags())).isEqualTo(VirtqueueDevice.USED_F_NO_NOTIFY);
            for (int i = 0; i < 3; i++) {
                addOne(q);
                assertThat(q.driver.kickIfNeeded()).isFalse();
            }
            assertThat(q.kicks).isEqualTo(3);
            assertThat(q.driver.kicksSuppressed()).isEqualTo(3);

            assertThat(q.device.enableNotifications()).as("six chains are pending").isFalse();
            assertThat(q.read16(q.layout.usedFlags())).isZero();
            q.device.processAvailable();
            q.driver.harvest((id, len) -> { });
            assertThat(q.device.enableNotifications()).isTrue();
            addOne(q);
            addOne(q);
            assertThat(q.driver.kickIfNeeded()).as("one kick covers a batch").isTrue();
            assertThat(q.kicks).isEqualTo(4);
            // the event word does not exist without EVENT_IDX: the device never wrote avail_event
            assertThat(q.read16(q.layout.availEvent())).isZero();
        }
    }

    @Test
    void withoutEventIdxTheDeviceInterruptsUnlessAvailFlagsSaysNoInterrupt() {
        try (QueuePair q = new QueuePair(16, false, new Echo())) {
            // "If flags is 0, the device MUST send a notification" after each used entry it writes.
            for (int i = 0; i < 3; i++) {
                addOne(q);
                q.device.processAvailable();
            }
            assertThat(q.interrupts).isEqualTo(3);
            q.driver.harvest((id, len) -> { });

            // "If flags is 1, the device SHOULD NOT send a notification."
            q.driver.disableInterrupts();
            assertThat(q.read16(q.layout.availFlags())).isEqualTo(VirtqueueDevice.AVAIL_F_NO_INTERRUPT);
            for (int i = 0; i < 3; i++) {
                addOne(q);
                q.device.processAvailable();
            }
            assertThat(q.interrupts).isEqualTo(3);
            assertThat(q.device.interruptsSuppressed()).isEqualTo(3);

            assertThat(q.driver.enableInterrupts()).as("three used entries wait").isFalse();
            assertThat(q.driver.harvest((id, len) -> { })).isEqualTo(3);
            assertThat(q.driver.enableInterrupts()).isTrue();
            addOne(q);
            q.device.processAvailable();
            assertThat(q.interrupts).isEqualTo(4);
            // without EVENT_IDX the driver never writes used_event
            assertThat(q.read16(q.layout.usedEvent())).isZero();
        }
    }

    // ---- with EVENT_IDX: the event words ------------------------------------------------------

    @Test
    void withEventIdxTheDriverKicksOnlyWhenAvailIdxPassesAvailEvent() {
        try (QueuePair q = new QueuePair(16, true, new Echo())) {
            // avail_event starts at 0: the chain written at index 0 must be notified, later ones not.
            for (int i = 0; i < 10; i++) {
                addOne(q);
                q.driver.kickIfNeeded();
                if (i == 5) {
                    q.device.processAvailable();
                    q.driver.harvest((id, len) -> { });
                }
            }
            assertThat(q.kicks).isEqualTo(1);
            assertThat(q.driver.kicksSuppressed()).isEqualTo(9);

            // The device asks to be kicked at its last_avail_idx (6: it served six chains).
            assertThat(q.device.enableNotifications()).isFalse();
            assertThat(q.read16(q.layout.availEvent())).isEqualTo(6);
            assertThat(q.device.processAvailable()).isEqualTo(4);
            q.driver.harvest((id, len) -> { });
            assertThat(q.device.enableNotifications()).isTrue();
            assertThat(q.read16(q.layout.availEvent())).isEqualTo(10);

            // "The driver MUST ignore the lower bit of flags": NO_NOTIFY there changes nothing.
            q.guest.write16(q.layout.usedFlags(), VirtqueueDevice.USED_F_NO_NOTIFY);
            addOne(q);
            assertThat(q.driver.kickIfNeeded()).as("entry at index 10 == avail_event").isTrue();
            addOne(q);
            assertThat(q.driver.kickIfNeeded()).as("entry at index 11").isFalse();
            assertThat(q.kicks).isEqualTo(2);

            // A batch that covers avail_event is kicked once, whatever its position in the batch.
            q.device.processAvailable();
            q.driver.harvest((id, len) -> { });
            q.guest.write16(q.layout.availEvent(), 13);
            addOne(q);
            addOne(q);
            addOne(q);   // indexes 12, 13, 14
            assertThat(q.driver.kickIfNeeded()).isTrue();
            addOne(q);
            addOne(q);   // 15, 16
            assertThat(q.driver.kickIfNeeded()).isFalse();
            assertThat(q.kicks).isEqualTo(3);
        }
    }

    @Test
    void withEventIdxTheDeviceInterruptsOnlyWhenUsedIdxPassesUsedEvent() {
        try (QueuePair q = new QueuePair(16, true, new Echo())) {
            // used_event starts at 0: the first used entry (index 0) interrupts, later ones do not
            // while the driver does not move used_event.
            for (int i = 0; i < 5; i++) {
                addOne(q);
                q.device.processAvailable();
            }
            assertThat(q.interruptsAtChain).containsExactly(1L);

            // Harvesting with interrupts enabled sets used_event = last_used_idx: the next entry interrupts.
            assertThat(q.driver.harvest((id, len) -> { })).isEqualTo(5);
            assertThat(q.read16(q.layout.usedEvent())).isEqualTo(5);
            addOne(q);
            q.device.processAvailable();
            addOne(q);
            q.device.processAvailable();
            assertThat(q.interruptsAtChain).containsExactly(1L, 6L);

            // "The device MUST ignore the lower bit of flags": NO_INTERRUPT in avail.flags changes nothing.
            q.driver.harvest((id, len) -> { });
            q.guest.write16(q.layout.availFlags(), VirtqueueDevice.AVAIL_F_NO_INTERRUPT);
            addOne(q);
            q.device.processAvailable();
            assertThat(q.interruptsAtChain).containsExactly(1L, 6L, 8L);

            // The driver asks for an interrupt further ahead: a batch crossing it interrupts once.
            q.driver.harvest((id, len) -> { });
            q.guest.write16(q.layout.usedEvent(), 11);
            for (int i = 0; i < 5; i++) {
                addOne(q);   // will be used at 8..12
            }
            q.device.processAvailable();
            assertThat(q.interruptsAtChain).containsExactly(1L, 6L, 8L, 13L);
            assertThat(q.device.interruptsSuppressed()).isEqualTo(5);
        }
    }

    @Test
    void withEventIdxABusyDeviceIsNotKickedUntilItReArmsBeforeSleeping() {
        try (QueuePair q = new QueuePair(256, true, new Echo())) {
            addOne(q);
            assertThat(q.driver.kickIfNeeded()).as("a sleeping device is kicked").isTrue();
            q.device.disableNotifications();   // woken: busy from here on
            assertThat(q.read16(q.layout.availEvent())).as("0 - 1 - 256").isEqualTo(0xfeff);
            for (int i = 0; i < 200; i++) {
                addOne(q);
                assertThat(q.driver.kickIfNeeded()).as("kick %d while busy", i).isFalse();
                if (i % 7 == 0) {
                    q.device.processAvailable();
                    q.driver.harvest((id, len) -> { });
                    q.device.disableNotifications();
                }
            }
            assertThat(q.kicks).isEqualTo(1);
            // Re-arming finds the pending chains: the device serves them instead of sleeping.
            assertThat(q.device.enableNotifications()).isFalse();
            q.device.processAvailable();
            assertThat(q.device.enableNotifications()).isTrue();
            addOne(q);
            assertThat(q.driver.kickIfNeeded()).as("re-armed, asleep: kicked again").isTrue();
            assertThat(q.kicks).isEqualTo(2);
        }
    }

    @Test
    void withEventIdxABusyDriverIsNotInterruptedUntilItReArmsBeforeSleeping() {
        try (QueuePair q = new QueuePair(256, true, new Echo())) {
            q.driver.disableInterrupts();
            for (int i = 0; i < 300; i++) {
                addOne(q);
                q.driver.kickIfNeeded();
                q.device.processAvailable();
                if (i % 5 == 0) {
                    q.driver.harvest((id, len) -> { });
                }
            }
            assertThat(q.interrupts).as("busy driver: used_event never crossed").isZero();
            assertThat(q.driver.enableInterrupts()).as("re-arming finds used entries").isFalse();
            q.driver.harvest((id, len) -> { });
            assertThat(q.driver.enableInterrupts()).isTrue();
            addOne(q);
            q.driver.kickIfNeeded();
            q.device.processAvailable();
            assertThat(q.interrupts).as("re-armed, asleep: interrupted").isEqualTo(1);
        }
    }

    @Test
    void withEventIdxNeitherSideWritesItsFlags() {
        // "The driver MUST set flags to 0" / "The device MUST set flags to 0" with EVENT_IDX.
        try (QueuePair q = new QueuePair(16, true, new Echo())) {
            q.driver.disableInterrupts();
            q.device.disableNotifications();
            for (int i = 0; i < 40; i++) {
                addOne(q);
                q.driver.kickIfNeeded();
                q.device.processAvailable();
                q.driver.harvest((id, len) -> { });
                q.driver.enableInterrupts();
                q.device.enableNotifications();
                q.driver.disableInterrupts();
                q.device.disableNotifications();
                assertThat(q.read16(q.layout.availFlags())).isZero();
                assertThat(q.read16(q.layout.usedFlags())).isZero();
            }
        }
    }

    @Test
    void usedEventZeroInterruptsAfterTheFirstBufferAndAgain65536BuffersLater() {
        // Spec note: "if used_event is 0, then a device using VIRTIO_F_EVENT_IDX would send a used
        // buffer notification to the driver after the first buffer is used (and again after the
        // 65536th buffer, etc)": the 1st buffer is used at index 0, and index 0 comes round again
        // 65536 buffers later, with the 65537th buffer.
        try (QueuePair q = new QueuePair(4, true, new Echo())) {
            // This driver keeps used_event at 0 by hand: the rule checked is the device's.
            for (int i = 0; i < 2 * 65536 + 10; i++) {
                q.guest.write16(q.layout.usedEvent(), 0);
                addOne(q);
                q.device.processAvailable();
                q.driver.harvest((id, len) -> { });
            }
            q.guest.write16(q.layout.usedEvent(), 0);
            assertThat(q.read16(q.layout.usedEvent())).isZero();
            assertThat(q.interruptsAtChain).containsExactly(1L, 65537L, 131073L);
        }
    }
}
