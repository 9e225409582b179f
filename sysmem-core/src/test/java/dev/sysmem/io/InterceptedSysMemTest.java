package dev.sysmem.io;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sysmem.io.spi.AccessHandler;
import dev.sysmem.io.spi.AtomicOp;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Intercepted views: every access reaches the handler with the right region, offset, address,
 * width and mode, after the view's own checks, and derived views stay intercepted.
 */
class InterceptedSysMemTest {

    private static final StructLayout DESCRIPTOR = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"),
            JAVA_SHORT.withName("flags"), JAVA_SHORT.withName("next")).withName("desc");
    private static final SequenceLayout TABLE = MemoryLayout.sequenceLayout(8, DESCRIPTOR);

    /** One call a handler received. */
    record Call(String kind, String region, long offset, long address, Width width, Object how, long expected, long operand) {
    }

    /** Records every call and answers reads and atomics from a little-endian byte array it keeps. */
    static final class RecordingHandler implements AccessHandler {
        final List<Call> calls = new ArrayList<>();
        final byte[] memory;

        RecordingHandler(int size) {
            memory = new byte[size];
        }

        private long load(long address, Width width) {
            long v = 0;
            for (int i = width.bytes() - 1; i >= 0; i--) {
                v = v << 8 | (memory[(int) address + i] & 0xff);
            }
            return v;
        }

        private void store(long address, Width width, long value) {
            for (int i = 0; i < width.bytes(); i++) {
                memory[(int) address + i] = (byte) (value >>> (8 * i));
            }
        }

        @Override
        public long read(String region, long offset, long address, Width width, AccessMode mode) {
            calls.add(new Call("read", region, offset, address, width, mode, 0, 0));
            return load(address, width);
        }

        @Override
        public void write(String region, long offset, long address, Width width, AccessMode mode, long value) {
            calls.add(new Call("write", region, offset, address, width, mode, 0, value));
            store(address, width, value);
        }

        @Override
        public long atomic(String region, long offset, long address, Width width, AtomicOp op, long expected, long operand) {
            calls.add(new Call("atomic", region, offset, address, width, op, expected, operand));
            long found = load(address, width);
            long mask = width.mask();
            long next = switch (op) {
                case COMPARE_AND_SET, COMPARE_AND_EXCHANGE -> found == expected ? operand : found;
                case GET_AND_ADD -> (found + operand) & mask;
                case GET_AND_SET -> operand;
                case GET_AND_BITWISE_OR -> found | operand;
                case GET_AND_BITWISE_AND -> found & operand;
            };
            store(address, width, next);
            return found;
        }
    }

    private final RecordingHandler handler = new RecordingHandler(4096);
    private final SysMem mem = SysMem.intercepted("ram", 4096, handler);

    @Test
    void readsAndWritesReachTheHandlerNotMemory() {
        mem.write32(0x10, 0xcafe_f00d);
        assertThat(mem.read32(0x10)).isEqualTo(0xcafe_f00d);
        assertThat(mem.read16(0x12)).isEqualTo(0xcafe);
        mem.write8(0x20, -1);
        assertThat(mem.read8(0x20)).isEqualTo(0xff);
        mem.write64(0x28, -2L);
        assertThat(mem.read(Width.U64, 0x28)).isEqualTo(-2L);
        assertThat(handler.calls).containsExactly(
                new Call("write", "ram", 0x10, 0x10, Width.U32, AccessMode.OPAQUE, 0, 0xcafe_f00dL),
                new Call("read", "ram", 0x10, 0x10, Width.U32, AccessMode.OPAQUE, 0, 0),
                new Call("read", "ram", 0x12, 0x12, Width.U16, AccessMode.OPAQUE, 0, 0),
                new Call("write", "ram", 0x20, 0x20, Width.U8, AccessMode.OPAQUE, 0, 0xff),
                new Call("read", "ram", 0x20, 0x20, Width.U8, AccessMode.OPAQUE, 0, 0),
                new Call("write", "ram", 0x28, 0x28, Width.U64, AccessMode.OPAQUE, 0, -2L),
                new Call("read", "ram", 0x28, 0x28, Width.U64, AccessMode.OPAQUE, 0, 0));
        assertThatThrownBy(mem::segment).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("region 'ram' is intercepted");
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void theHandlerIsToldTheViewsMode(AccessMode mode) {
        SysMem view = mem.withMode(mode);
        view.write16(0x4, 7);
        view.read16(0x4);
        assertThat(handler.calls).extracting(Call::how).containsExactly(mode, mode);
        assertThat(view.mode()).isEqualTo(mode);
    }

    @Test
    void slicesAndProjectionsNameTheirOffsetAndTheAddressInTheHandlersMemory() {
        SysMem slice = mem.slice(0x100, 0x80).withMode(AccessMode.ACQUIRE_RELEASE);
        slice.write32(0x8, 1);
        SysMem len = mem.slice(0x200, TABLE.byteSize()).project(TABLE, sequenceElement(2), groupElement("len"));
        assertThat(len.name()).isEqualTo("ram+0x200[2].len");
        assertThat(len.size()).isEqualTo(4);
        len.write32(0, 9);
        SysMem relaxed = slice.relaxed().readOnly().withWidths(Width.U32);
        relaxed.read32(0x8);
        assertThat(handler.calls).containsExactly(
                new Call("write", "ram+0x100", 0x8, 0x108, Width.U32, AccessMode.ACQUIRE_RELEASE, 0, 1),
                new Call("write", "ram+0x200[2].len", 0, 0x200 + 2 * 16 + 8, Width.U32, AccessMode.OPAQUE, 0, 9),
                new Call("read", "ram+0x100", 0x8, 0x108, Width.U32, AccessMode.OPAQUE, 0, 0));
    }

    @Test
    void refusedAccessesNeverReachTheHandlerAndReadAsAnOrdinaryViewsMessages() {
        try (SharedMemory shm = SharedMemory.anonymous(4096)) {
            SysMem real = shm.io("ram");
            List<Function<SysMem, Runnable>> bad = List.of(
                    m -> () -> m.read32(4096),
                    m -> () -> m.read32(-4),
                    m -> () -> m.write32(0x2, 1),
                    m -> () -> m.slice(1, 8).read16(0),
                    m -> () -> m.write8(0, 0x100),
                    m -> () -> m.readOnly().write8(0, 1),
                    m -> () -> m.withWidths(Width.U32).read8(0),
                    m -> () -> m.readOnly().compareAndSet32(0, 0, 1),
                    m -> () -> m.getAndAdd64(0xffc, 1));
            for (Function<SysMem, Runnable> access : bad) {
                Throwable expected = catchThrown(access.apply(real));
                Throwable intercepted = catchThrown(access.apply(mem));
                assertThat(expected).as("the real view refuses").isNotNull();
                assertThat(intercepted).as("the intercepted view refuses like the real one")
                        .isInstanceOf(expected.getClass())
                        .extracting(t -> withoutAddress(t.getMessage())).isEqualTo(withoutAddress(expected.getMessage()));
            }
        }
        assertThat(handler.calls).isEmpty();
    }

    /** The messages name the absolute address, which differs between real memory and the handler's. */
    private static String withoutAddress(String message) {
        return message.replaceAll("absolute address 0x[0-9a-f]+", "absolute address _");
    }

    private static Throwable catchThrown(Runnable access) {
        try {
            access.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void atomicsReachTheHandlerOnceWithTheirOperands() {
        assertThat(mem.compareAndSet32(0x40, 0, 5)).isTrue();
        assertThat(mem.compareAndSet32(0x40, 0, 6)).isFalse();
        assertThat(mem.getAndAdd32(0x40, -1)).isEqualTo(5);
        assertThat(mem.getAndBitwiseOr64(0x48, 0x8000_0000_0000_0001L)).isZero();
        assertThat(mem.compareAndExchange64(0x48, 0, 1)).isEqualTo(0x8000_0000_0000_0001L);
        assertThat(mem.getAndSet32(0x40, 0xffff_ffff)).isEqualTo(4);
        assertThat(mem.getAndBitwiseAnd32(0x40, 0xf0)).isEqualTo(0xffff_ffff);
        assertThat(mem.read32(0x40)).isEqualTo(0xf0);
        assertThat(handler.calls).filteredOn(c -> c.kind().equals("atomic")).extracting(Call::how).containsExactly(
                AtomicOp.COMPARE_AND_SET, AtomicOp.COMPARE_AND_SET, AtomicOp.GET_AND_ADD, AtomicOp.GET_AND_BITWISE_OR,
                AtomicOp.COMPARE_AND_EXCHANGE, AtomicOp.GET_AND_SET, AtomicOp.GET_AND_BITWISE_AND);
        assertThat(handler.calls.get(2)).isEqualTo(
                new Call("atomic", "ram", 0x40, 0x40, Width.U32, AtomicOp.GET_AND_ADD, 0, 0xffff_ffffL));
    }

    @Test
    void bigEndianViewsHandTheHandlerLittleEndianMemoryContents() {
        SysMem be = mem.withOrder(ByteOrder.BIG_ENDIAN);
        be.write32(0, 0x0102_0304);
        assertThat(handler.memory[0]).isEqualTo((byte) 1);
        assertThat(handler.calls.getFirst().operand()).isEqualTo(0x0403_0201L);
        assertThat(be.read32(0)).isEqualTo(0x0102_0304);
        assertThat(be.read16(0)).isEqualTo(0x0102);
        assertThat(be.getAndAdd32(0, 0x100)).isEqualTo(0x0102_0304);
        assertThat(be.read32(0)).isEqualTo(0x0102_0404);
        assertThat(be.compareAndSet64(8, 0, 0x0102_0304_0506_0708L)).isTrue();
        assertThat(handler.memory[8]).isEqualTo((byte) 1);
    }
}
