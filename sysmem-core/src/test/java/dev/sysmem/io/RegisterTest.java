package dev.sysmem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Register definitions: field packing, aliases, relative registers, arrays, every definition
 * error, and values that belong to one register only.
 */
class RegisterTest {

    private SharedMemory shm;
    private SysMem io;

    @BeforeEach
    void allocate() {
        shm = SharedMemory.anonymous(4096);
        io = shm.io("regs");
    }

    @AfterEach
    void free() {
        shm.close();
    }

    /** Register width, field hi:lo, a value for the field, and the raw register bits it gives from zero. */
    static Stream<Arguments> packing() {
        return Stream.of(
                Arguments.of(Width.U8, 0, 0, 1L, 0x01L),
                Arguments.of(Width.U8, 7, 7, 1L, 0x80L),
                Arguments.of(Width.U8, 7, 0, 0xa5L, 0xa5L),
                Arguments.of(Width.U8, 5, 3, 0x7L, 0x38L),
                Arguments.of(Width.U16, 15, 8, 0xbeL, 0xbe00L),
                Arguments.of(Width.U16, 15, 15, 1L, 0x8000L),
                Arguments.of(Width.U32, 31, 31, 1L, 0x8000_0000L),
                Arguments.of(Width.U32, 31, 0, 0xffff_ffffL, 0xffff_ffffL),
                Arguments.of(Width.U32, 19, 4, 0xabcdL, 0x000a_bcd0L),
                Arguments.of(Width.U64, 63, 63, 1L, 0x8000_0000_0000_0000L),
                Arguments.of(Width.U64, 63, 32, 0xdead_beefL, 0xdead_beef_0000_0000L),
                Arguments.of(Width.U64, 63, 0, -1L, -1L),
                Arguments.of(Width.U64, 62, 1, 0x3fff_ffff_ffff_ffffL, 0x7fff_ffff_ffff_fffeL),
                Arguments.of(Width.U64, 0, 0, 1L, 1L));
    }

    @ParameterizedTest(name = "{0} bits {1}:{2} = 0x{3}")
    @MethodSource("packing")
    void fieldsPackAndUnpack(Width width, int hi, int lo, long value, long raw) {
        Field field = Field.of("F", hi, lo);
        Register reg = Register.of("R", 0, width, field);
        RegisterValue set = reg.resetValue().with(field, value);
        assertThat(set.raw()).isEqualTo(raw);
        assertThat(set.get(field)).isEqualTo(value);
        assertThat(set.get("F")).isEqualTo(value);
        assertThat(set.isSet(field)).isTrue();
        // The bits outside the field are kept, and clearing the field clears only it.
        RegisterValue ones = reg.value(width.mask());
        assertThat(ones.with(field, 0).raw()).isEqualTo(width.mask() & ~field.mask());
        assertThat(ones.with(field, 0).get(field)).isZero();
        assertThat(ones.with(field, value).raw()).isEqualTo(width.mask() & ~field.mask() | raw);
        // And the bits go to memory unchanged.
        reg.write(io, set);
        assertThat(io.read(width, 0)).isEqualTo(raw);
        assertThat(reg.read(io)).isEqualTo(set);
    }

    @Test
    void neighbouringFieldsDoNotDisturbEachOther() {
        Field enable = Field.bit("ENABLE", 0);
        Field mode = Field.of("MODE", 3, 1);
        Field irq = Field.bit("IRQ", 31);
        Register ctrl = Register.builder("CTRL", 0x20, Width.U32).reset(0x2).fields(enable, mode, irq).build();
        RegisterValue v = ctrl.resetValue();
        assertThat(v.get(mode)).isEqualTo(1);
        v = v.with(enable, 1).with(mode, 5).with(irq, 1);
        assertThat(v.raw()).isEqualTo(0x8000_000bL);
        assertThat(v.with(mode, 0).raw()).isEqualTo(0x8000_0001L);
        assertThat(v.toString()).isEqualTo("CTRL=0x8000000b{ENABLE=0x1, MODE=0x5, IRQ=0x1}");
        assertThat(ctrl.field("MODE")).isEqualTo(mode);
        assertThat(ctrl.has(irq)).isTrue();
        assertThat(ctrl.fields()).containsExactly(enable, mode, irq);
    }

    @Test
    void aFieldValueThatDoesNotFitIsRefused() {
        Field mode = Field.of("MODE", 3, 1);
        Register ctrl = Register.of("CTRL", 0, Width.U32, mode);
        assertThatThrownBy(() -> ctrl.resetValue().with(mode, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: value 0x8 does not fit field MODE (3 bits, at most 0x7)");
        assertThatThrownBy(() -> ctrl.resetValue().with(mode, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit field MODE");
        assertThatThrownBy(() -> ctrl.resetValue().with("MODE", Long.MIN_VALUE)).hasMessageContaining("MODE");
    }

    @Test
    void fieldsOfAnotherRegisterAreRefused() {
        Field a = Field.bit("A", 0);
        Field b = Field.bit("B", 0);
        Register ra = Register.of("RA", 0, Width.U32, a);
        assertThatThrownBy(() -> ra.resetValue().with(b, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field B is not a field of register RA; its fields are [A]");
        assertThatThrownBy(() -> ra.resetValue().get(b)).hasMessageContaining("not a field of register RA");
        assertThatThrownBy(() -> ra.field("C"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register RA has no field C; its fields are [A]");
    }

    @Test
    void aRawValueTooWideForTheRegisterIsRefused() {
        Register r = Register.of("R8", 0, Width.U8);
        assertThat(r.value(0xff).raw()).isEqualTo(0xff);
        assertThatThrownBy(() -> r.value(0x100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register R8: value 0x100 does not fit in 8 bits");
        assertThatThrownBy(() -> r.value(-1)).hasMessageContaining("does not fit in 8 bits");
        assertThatThrownBy(() -> Register.of("R16", 0, Width.U16).value(-1)).hasMessageContaining("does not fit in 16 bits");
    }

    @Test
    void thirtyTwoBitRegistersTakeTheirTopBitAsAnIntLiteral() {
        Register status = Register.builder("STATUS", 0, Width.U32).reset(0xffff_ffff).build();
        assertThat(status.resetValue().raw()).isEqualTo(0xffff_ffffL);
        assertThat(status.value(0x8000_0000).raw()).isEqualTo(0x8000_0000L);
        assertThat(status.value(0x8000_0000L).raw()).isEqualTo(0x8000_0000L);
        try (SharedMemory shm = SharedMemory.anonymous(64)) {
            SysMem io = shm.io("bar");
            status.write(io, status.value(0x8000_0000));
            assertThat(io.read32(0)).isEqualTo(0x8000_0000);
        }
    }

    @Test
    void anAliasIsAnotherViewOfTheSameAddress() {
        Field enable = Field.bit("ENABLE", 0);
        Field mode = Field.of("MODE", 3, 1);
        Register ctrl = Register.builder("CTRL", 0x10, Width.U32).reset(0x2).fields(enable, mode).build();
        Field raw = Field.of("RAW", 7, 0);
        Register ctrlRaw = ctrl.alias("CTRL_RAW", raw);
        assertThat(ctrlRaw.offset()).isEqualTo(0x10);
        assertThat(ctrlRaw.width()).isEqualTo(Width.U32);
        assertThat(ctrlRaw.resetValue().raw()).isEqualTo(0x2);

        ctrl.write(io, ctrl.resetValue().with(enable, 1).with(mode, 3));
        assertThat(ctrlRaw.read(io).get(raw)).isEqualTo(0x7);
        ctrlRaw.write(io, ctrlRaw.resetValue().with(raw, 0x0a));
        assertThat(ctrl.read(io).get(mode)).isEqualTo(5);
        assertThat(ctrl.read(io).get(enable)).isZero();
        // Values pass between a register and its aliases in both directions.
        ctrl.write(io, ctrlRaw.value(0x3));
        ctrlRaw.write(io, ctrl.value(0x1));
        assertThat(io.read32(0x10)).isEqualTo(1);
        // Aliases are checked as definitions are.
        assertThatThrownBy(() -> ctrl.alias("BAD", Field.of("WIDE", 32, 0)))
                .hasMessageContaining("register BAD: field WIDE (bits 32:0) lies outside the register's 32 bits");
    }

    @Test
    void aRelativeRegisterIsOneDefinitionForSeveralInstances() {
        Field count = Field.of("COUNT", 15, 0);
        Register queueTail = Register.builder("TAIL", 0x8, Width.U32).relative().fields(count).build();
        assertThat(queueTail.isRelative()).isTrue();
        queueTail.write(io, 0x100, queueTail.resetValue().with(count, 3));
        queueTail.write(io, 0x200, queueTail.resetValue().with(count, 9));
        assertThat(io.read32(0x108)).isEqualTo(3);
        assertThat(io.read32(0x208)).isEqualTo(9);
        assertThat(queueTail.read(io, 0x100).get(count)).isEqualTo(3);
        RegisterValue bumped = queueTail.update(io, 0x200, v -> v.with(count, v.get(count) + 1));
        assertThat(bumped.get(count)).isEqualTo(10);
        assertThat(io.read32(0x208)).isEqualTo(10);
        assertThat(io.read32(0x108)).isEqualTo(3);
    }

    @Test
    void relativeAndAbsoluteRegistersRefuseTheOtherKindOfAccess() {
        Register relative = Register.builder("TAIL", 0x8, Width.U32).relative().build();
        Register absolute = Register.of("CTRL", 0x8, Width.U32);
        assertThatThrownBy(() -> relative.read(io))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("register TAIL is relative (offset +0x8 from a base): read it with a base");
        assertThatThrownBy(() -> relative.write(io, relative.resetValue()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("write it with a base");
        assertThatThrownBy(() -> relative.update(io, v -> v)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> absolute.read(io, 0x100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("register CTRL is absolute (offset 0x8): read it without a base");
        assertThatThrownBy(() -> absolute.write(io, 0x100, absolute.resetValue()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("write it without a base");
        assertThatThrownBy(() -> relative.read(io, -4))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("register TAIL: base -0x4");
        assertThatThrownBy(() -> relative.read(io, Long.MAX_VALUE - 4))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("is not a valid offset");
        // A base that makes the address misaligned, or past the region, is refused by the Io.
        assertThatThrownBy(() -> relative.read(io, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("misaligned");
        assertThatThrownBy(() -> relative.read(io, 4096))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("region 'regs' (4096 bytes)");
    }

    @Test
    void anArrayIsCountRegistersStrideBytesApart() {
        Field value = Field.of("VALUE", 31, 0);
        RegisterArray scratch = Register.of("SCRATCH", 0x100, Width.U32, value).array(16, 8);
        assertThat(scratch.count()).isEqualTo(16);
        assertThat(scratch.stride()).isEqualTo(8);
        assertThat(scratch.first().offset()).isEqualTo(0x100);
        for (int i = 0; i < 16; i++) {
            Register element = scratch.at(i);
            assertThat(element.name()).isEqualTo("SCRATCH[" + i + "]");
            assertThat(element.offset()).isEqualTo(0x100 + 8L * i);
            element.write(io, element.resetValue().with(value, 0xa000 + i));
        }
        for (int i = 0; i < 16; i++) {
            assertThat(io.read32(0x100 + 8L * i)).isEqualTo(0xa000 + i);
            assertThat(io.read32(0x104 + 8L * i)).as("the gap between elements").isZero();
        }
        assertThat(scratch.at(3)).isEqualTo(scratch.at(3));
        scratch.at(3).write(io, scratch.at(3).value(0xdead));
        assertThat(scratch.at(3).read(io)).isEqualTo(scratch.at(3).value(0xdead));
    }

    @Test
    void arrayIndexesAndShapesAreChecked() {
        Register first = Register.of("DOORBELL", 0x1000, Width.U32);
        RegisterArray bells = first.array(4, 4);
        assertThatThrownBy(() -> bells.at(4))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("register array DOORBELL has 4 elements; index 4 is out of range");
        assertThatThrownBy(() -> bells.at(-1)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index -1");
        assertThatThrownBy(() -> first.array(0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count must be at least 1, was 0");
        assertThatThrownBy(() -> first.array(4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 2");
        assertThatThrownBy(() -> first.array(4, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of the register width (4 bytes)");
        assertThatThrownBy(() -> first.array(Integer.MAX_VALUE, 1L << 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflow");
    }

    @Test
    void everyDefinitionErrorIsRefusedNamingTheRegister() {
        assertThatThrownBy(() -> Register.of("CTRL", 0, Width.U32, Field.of("A", 3, 0), Field.of("B", 5, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: field B (bits 5:3) overlaps field A (bits 3:0)");
        assertThatThrownBy(() -> Register.of("CTRL", 0, Width.U16, Field.bit("TOP", 16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: field TOP (bits 16:16) lies outside the register's 16 bits");
        assertThatThrownBy(() -> Register.of("CTRL", 0x2, Width.U32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: offset 0x2 is misaligned for a u32 register (needs a multiple of 4)");
        assertThatThrownBy(() -> Register.of("CTRL", -8, Width.U64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: offset -8 is negative");
        assertThatThrownBy(() -> Register.builder("CTRL", 0, Width.U8).reset(0x100).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: reset value 0x100 does not fit in 8 bits");
        assertThatThrownBy(() -> Register.builder("CTRL", 0, Width.U32).reset(0x1_0000_0000L).build())
                .hasMessageContaining("reset value 0x100000000 does not fit in 32 bits");
        assertThatThrownBy(() -> Register.builder("CTRL", 0, Width.U32).reset(Integer.MIN_VALUE - 1L).build())
                .hasMessageContaining("reset value 0xffffffff7fffffff does not fit in 32 bits");
        assertThatThrownBy(() -> Register.of("CTRL", 0, Width.U32, Field.bit("A", 0), Field.bit("A", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL: two fields are named A");
        assertThatThrownBy(() -> Register.of(" ", 0, Width.U32))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a register needs a name");
        assertThatThrownBy(() -> Field.of("F", 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field F: bit range 2:3 is invalid; need 0 <= lo <= hi <= 63");
        assertThatThrownBy(() -> Field.of("F", 64, 0)).hasMessageContaining("bit range 64:0");
        assertThatThrownBy(() -> Field.bit("F", -1)).hasMessageContaining("bit range -1:-1");
        assertThat(Register.builder("CTRL", 0, Width.U64).reset(-1).field("ALL", 63, 0).build().resetValue().raw())
                .isEqualTo(-1L);
    }

    @Test
    void aValueOfAnotherRegisterIsRefused() {
        Register ctrl = Register.of("CTRL", 0x0, Width.U32, Field.bit("EN", 0));
        Register status = Register.of("STATUS", 0x4, Width.U32, Field.bit("BUSY", 0));
        assertThatThrownBy(() -> ctrl.write(io, status.resetValue()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot write a value of register STATUS (0x4, u32) to register CTRL (0x0, u32)");
        // The same address does not make two registers one: only aliases share values.
        Register other = Register.of("OTHER", 0x0, Width.U32, Field.bit("X", 0));
        assertThatThrownBy(() -> ctrl.write(io, other.value(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("register OTHER");
        RegisterArray bank = Register.of("BANK", 0x40, Width.U32).array(4, 4);
        assertThatThrownBy(() -> bank.at(1).write(io, bank.at(2).value(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("register BANK[2]");
        Register relative = Register.builder("CTRL", 0x0, Width.U32).relative().field("EN", 0, 0).build();
        assertThatThrownBy(() -> relative.write(io, 0x100, ctrl.resetValue()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(io.read64(0)).as("nothing was written").isZero();
    }

    @Test
    void updateReadsModifiesAndWrites() {
        Field enable = Field.bit("ENABLE", 0);
        Field mode = Field.of("MODE", 3, 1);
        Register ctrl = Register.of("CTRL", 0x20, Width.U32, enable, mode);
        io.write32(0x20, 0xf0f0_0000);
        RegisterValue written = ctrl.update(io, v -> v.with(enable, 1).with(mode, 6));
        assertThat(written.raw()).isEqualTo(0xf0f0_000dL);
        assertThat(io.read32(0x20)).isEqualTo(0xf0f0_000d);
        assertThat(ctrl.update(io, v -> v.with(enable, 0)).raw()).isEqualTo(0xf0f0_000cL);
        assertThatThrownBy(() -> ctrl.update(io, v -> Register.of("X", 0x24, Width.U32).resetValue()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(io.read32(0x20)).isEqualTo(0xf0f0_000c);
    }

    @Test
    void registersWorkOnEveryWidthThroughTheGenericPath() {
        for (Width width : Width.values()) {
            Register r = Register.builder("R" + width.bits(), 0x80, width).field("TOP", width.bits() - 1, width.bits() - 1).build();
            r.write(io, r.resetValue().with("TOP", 1));
            assertThat(io.read(width, 0x80)).isEqualTo(1L << (width.bits() - 1));
            assertThat(r.read(io).get("TOP")).isOne();
        }
    }

    @Test
    void equalDefinitionsAreEqualRegisters() {
        Register a = Register.of("A", 0x10, Width.U32, Field.bit("X", 0));
        Register same = Register.of("A", 0x10, Width.U32, Field.bit("X", 0));
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a.value(1)).isEqualTo(same.value(1));
        assertThat(a).isNotEqualTo(Register.of("A", 0x14, Width.U32, Field.bit("X", 0)));
        assertThat(a.toString()).isEqualTo("A@0x10:u32[X[0,RW]]");
    }
}
