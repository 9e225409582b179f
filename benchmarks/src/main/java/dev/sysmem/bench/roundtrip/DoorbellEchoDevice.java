package dev.sysmem.bench.roundtrip;

import dev.sysmem.bench.Spin;
import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;

import java.util.Objects;

/**
 * The smallest device a doorbell round trip can have, as a device-sim {@link Device}: it spins on
 * the doorbell register and answers every new value by writing it to the status register, both
 * through an {@link AccessMode#ACQUIRE_RELEASE} {@link SysMem} view, the mode a doorbell protocol
 * with data needs. The same protocol as {@link VarHandlePingPong}'s echo, so the two differ only
 * in the access path (SysMem against raw VarHandle) and in who runs the thread (device-sim's
 * {@code DeviceRunner} against a bare thread).
 *
 * <p><b>Guarantees.</b> Stops within one spin of {@link DeviceContext#isStopping()}. The device
 * busy-waits as every contender's other side does ({@link Spin#idle}), as a device model polling
 * a register must to answer in nanoseconds; it occupies a core while running.
 */
public final class DoorbellEchoDevice implements Device {

    private final String name;
    private final SysMem registers;

    /** A device answering doorbells in {@code region} (laid out as {@link DoorbellLayout}). */
    public DoorbellEchoDevice(String name, SysMem region) {
        this.name = Objects.requireNonNull(name, "name");
        this.registers = region.withMode(AccessMode.ACQUIRE_RELEASE);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run(DeviceContext context) {
        int seen = registers.read32(DoorbellLayout.DOORBELL);
        registers.write32(DoorbellLayout.STATUS, seen);
        registers.write32(DoorbellLayout.READY, 1);
        long idle = 0;
        while (!context.isStopping()) {
            int rung = registers.read32(DoorbellLayout.DOORBELL);
            if (rung != seen) {
                seen = rung;
                registers.write32(DoorbellLayout.STATUS, rung);
                idle = 0;
            } else {
                Spin.idle(++idle);
            }
        }
    }

    /**
     * The driver's half: rings with {@code sequence} and spins until the status register holds it.
     *
     * @throws IllegalStateException if no answer came within {@link Spin#TIMEOUT}
     */
    public static int ring(SysMem registers, int sequence) {
        registers.write32(DoorbellLayout.DOORBELL, sequence);
        long spins = 0;
        long since = 0;
        int seen;
        while ((seen = registers.read32(DoorbellLayout.STATUS)) != sequence) {
            Spin.idle(++spins);
            if ((spins & Spin.CHECK_MASK) == 0) {
                since = Spin.check(since, "the device's answer to doorbell " + sequence);
            }
        }
        return seen;
    }

    /**
     * Waits until a device has started on {@code registers}.
     *
     * @throws IllegalStateException if none did within {@link Spin#TIMEOUT}
     */
    public static void awaitReady(SysMem registers) {
        long spins = 0;
        long since = 0;
        while (registers.read32(DoorbellLayout.READY) != 1) {
            Spin.idle(++spins);
            if ((spins & Spin.CHECK_MASK) == 0) {
                since = Spin.check(since, "device on '" + registers.name() + "' to start");
            }
        }
    }

    @Override
    public String toString() {
        return "DoorbellEchoDevice[" + name + ", " + registers.name() + "]";
    }
}
