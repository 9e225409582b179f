package dev.sysmem.sim.contract;

import dev.sysmem.io.Io;
import dev.sysmem.io.SysMem;
import dev.sysmem.sim.Device;
import dev.sysmem.sim.DeviceContext;
import dev.sysmem.sim.remote.DeviceKind;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A device kind for tests of hosts and extensions: the device waits for a command in the u32 at
 * region offset 0, writes it to {@link #ACKNOWLEDGED}, and then fails ({@link #FAIL}), returns ({@link #FINISH}) or ignores every stop
 * request and interrupt until {@link TriggeredDevice#release()} ({@link #HANG}).
 */
public final class TriggeredKind implements DeviceKind {

    /** Offset of the u32 where the device writes each command it read, before acting on it. */
    public static final long ACKNOWLEDGED = 4;
    /** Command: the device throws an {@link IllegalStateException} naming the command. */
    public static final int FAIL = 1;
    /** Command: the device's loop returns. */
    public static final int FINISH = 2;
    /** Command: the device ignores stop requests and interrupts until released. */
    public static final int HANG = 3;

    @Override
    public String name() {
        return "triggered";
    }

    @Override
    public String description() {
        return "test device: fails, finishes or hangs on command";
    }

    @Override
    public long minRegionSize() {
        return 4096;
    }

    @Override
    public Model build(Setup setup) {
        SysMem region = setup.region();
        TriggeredDevice device = new TriggeredDevice(setup.deviceName(), region,
                setup.trace().<Io>map(t -> t.wrap(region)).orElse(region));
        return new Model(device, () -> true, () -> "waiting for a command");
    }

    /** The device of {@link TriggeredKind}. */
    public static final class TriggeredDevice implements Device {
        private final String name;
        private final SysMem region;
        private final Io traced;
        private volatile boolean released;

        TriggeredDevice(String name, SysMem region, Io traced) {
            this.name = name;
            this.region = region;
            this.traced = traced;
        }

        @Override
        public String name() {
            return name;
        }

        /** Lets a hanging device return. */
        public void release() {
            released = true;
        }

        @Override
        public void run(DeviceContext context) throws InterruptedException {
            while (!context.isStopping()) {
                if (!context.pollUntil(() -> region.read32(0) != 0, Duration.ofMillis(50))) {
                    continue;
                }
                int command = traced.read32(0);
                traced.write32(ACKNOWLEDGED, command);
                switch (command) {
                    case FAIL -> throw new IllegalStateException("triggered failure: command " + command);
                    case FINISH -> {
                        return;
                    }
                    case HANG -> {
                        while (!released) {
                            LockSupport.parkNanos(1_000_000);
                            Thread.interrupted();
                        }
                        return;
                    }
                    default -> traced.write32(0, 0);
                }
            }
        }
    }
}
