package dev.sysmem.sim;

import dev.sysmem.io.SharedMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DmaWindowTest {

    private static final long BASE = 0x10_0000;
    private final SharedMemory ram = SharedMemory.anonymous(0x1000);
    private final GuestMemory guest = new GuestMemory(ram.io("guest-ram"), BASE);
    private final DmaWindow dma = guest.window("nic");

    @AfterEach
    void close() {
        ram.close();
    }

    @Test
    void readsAndWritesGuestAddressesInsideTheMemory() {
        byte[] payload = {1, 2, 3, 4, 5};
        dma.write(BASE + 0x100, MemorySegment.ofArray(payload));
        assertThat(guest.memory().read8(0x100)).isEqualTo(1);
        assertThat(guest.memory().read8(0x104)).isEqualTo(5);

        byte[] back = new byte[5];
        dma.read(BASE + 0x100, MemorySegment.ofArray(back));
        assertThat(back).containsExactly(payload);

        dma.write(BASE + 0xffc, MemorySegment.ofArray(new byte[4]));    // ends exactly at the end
        assertThat(dma.at(BASE + 0x100, 8).read32(0)).isEqualTo(0x04030201);
        assertThat(dma.offset(BASE + 0x1000, 0, "probe")).isEqualTo(0x1000);
    }

    @Test
    void aTransferOutsideGuestMemoryIsADmaFaultNamingDeviceAddressLengthAndMemoryAndCopiesNothing() {
        guest.memory().write32(0xffc, 0x1234_5678);
        DmaFault fault = catchThrowableOfType(DmaFault.class,
                () -> dma.write(BASE + 0xffc, MemorySegment.ofArray(new byte[8])));
        assertThat(fault).hasMessage("device 'nic': DMA write of 8 bytes at 0x100ffc is outside guest memory "
                + "'guest-ram' [0x100000, 0x101000); nothing was copied");
        assertThat(fault.device()).isEqualTo("nic");
        assertThat(fault.address()).isEqualTo(BASE + 0xffc);
        assertThat(fault.length()).isEqualTo(8);
        assertThat(guest.memory().read32(0xffc)).isEqualTo(0x1234_5678);

        assertThatThrownBy(() -> dma.read(BASE - 1, MemorySegment.ofArray(new byte[1]))).isInstanceOf(DmaFault.class)
                .hasMessageContaining("DMA read of 1 bytes at 0xfffff");
        assertThatThrownBy(() -> dma.at(-16, 32)).isInstanceOf(DmaFault.class);            // wraps around zero
        assertThatThrownBy(() -> dma.at(BASE + 8, Long.MAX_VALUE)).isInstanceOf(DmaFault.class);
        assertThatThrownBy(() -> dma.at(BASE + 0x1001, 0)).isInstanceOf(DmaFault.class);
    }

    @Test
    void guestMemoryMustFitTheAddressSpace() {
        assertThatThrownBy(() -> new GuestMemory(ram.io("ram"), Long.MAX_VALUE - 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThat(guest.end()).isEqualTo(BASE + 0x1000);
    }
}
