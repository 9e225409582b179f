package dev.sysmem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classes of whole-region views (ConstantViews): one per mode and region, shared by every view
 * of that region, and unloaded once no view of the region is reachable.
 */
class ConstantViewsTest {

    @Test
    void everyWholeViewOfARegionInOneModeSharesOneClassAndEachRegionHasItsOwn() {
        try (SharedMemory a = SharedMemory.anonymous(4096); SharedMemory b = SharedMemory.anonymous(4096)) {
            SysMem first = a.io("first");
            assertThat(a.io("second").getClass()).isSameAs(first.getClass());
            assertThat(first.withMode(AccessMode.VOLATILE).withMode(AccessMode.OPAQUE).getClass()).isSameAs(first.getClass());
            assertThat(first.withMode(AccessMode.VOLATILE).getClass()).isNotSameAs(first.getClass());
            assertThat(b.io("other").getClass()).isNotSameAs(first.getClass());
            // Names stay per view, although the class is shared.
            assertThat(a.io("second").name()).isEqualTo("second");
        }
    }

    @Test
    void aWholeViewAndItsSliceReachTheSameBytesWithTheSameChecksAndMessages() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(256, 8);
            SysMem whole = SysMem.of("regs", segment);
            SysMem sameAsSlice = whole.slice(0, 128);
            assertThat(whole.getClass().isHidden()).isTrue();
            assertThat(sameAsSlice.getClass().isHidden()).isFalse();
            whole.write32(0x10, 0xcafe_f00d);
            assertThat(sameAsSlice.read32(0x10)).isEqualTo(0xcafe_f00d);
            assertThatThrownBy(() -> whole.read32(256)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("regs").hasMessageContaining("256");
            assertThatThrownBy(() -> whole.read32(2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("regs").hasMessageContaining("align");
            assertThatThrownBy(() -> whole.write8(0, 0x100)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("regs");
        }
    }

    @Test
    void aClosedRegionsWholeViewRefusesItsAccessesNamingTheRegion() {
        SharedMemory shm = SharedMemory.anonymous(4096);
        SysMem io = shm.io("gone");
        shm.close();
        assertThatThrownBy(() -> io.read32(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("gone");
    }

    @Test
    void theClassOfDroppedViewsIsUnloaded() {
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            SysMem view = SysMem.of("dropped-" + i, Arena.ofAuto().allocate(64, 8)).withMode(AccessMode.ACQUIRE_RELEASE);
            view.write32(0, i);
            classes.add(new WeakReference<>(view.getClass()));
        }
        awaitCollected(classes, Duration.ofSeconds(20));
        assertThat(classes).allMatch(c -> c.get() == null);
    }

    /**
     * The check above can fail: a hidden class defined STRONG, from the same template and with the
     * same class data, is never unloaded while its loader lives, and the same wait reports it.
     */
    @Test
    void theUnloadingCheckSeesAClassThatIsKeptAlive() throws Exception {
        byte[] template;
        try (InputStream in = OpaqueSysMem.class.getResourceAsStream("OpaqueSysMem.class")) {
            template = in.readAllBytes();
        }
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Class<?> strong = MethodHandles.lookup().defineHiddenClassWithClassData(template, Arena.ofAuto().allocate(64, 8), false,
                    MethodHandles.Lookup.ClassOption.STRONG).lookupClass();
            classes.add(new WeakReference<>(strong));
        }
        assertThatThrownBy(() -> awaitCollected(classes, Duration.ofSeconds(2))).isInstanceOf(org.awaitility.core.ConditionTimeoutException.class);
        assertThat(classes).allMatch(c -> c.get() != null);
    }

    /** Collects garbage until every class is gone, for at most {@code deadline}. */
    private static void awaitCollected(List<WeakReference<Class<?>>> classes, Duration deadline) {
        await().atMost(deadline).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return classes.stream().allMatch(c -> c.get() == null);
        });
    }

}
