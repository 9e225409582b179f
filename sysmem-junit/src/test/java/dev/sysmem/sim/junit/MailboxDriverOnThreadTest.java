package dev.sysmem.sim.junit;

import dev.sysmem.sim.contract.MailboxDriverContract;

import dev.sysmem.io.SysMem;
import dev.sysmem.sim.DeviceRunner;
import org.junit.jupiter.api.BeforeEach;

/** The driver tests with the device on a thread of this JVM, started by the JUnit extension. */
@SimulatedDevice("mailbox")
class MailboxDriverOnThreadTest extends MailboxDriverContract {

    private SysMem region;
    private DeviceRunner runner;

    @BeforeEach
    void wire(SysMem deviceRegion, DeviceRunner deviceRunner) {
        this.region = deviceRegion;
        this.runner = deviceRunner;
    }

    @Override
    protected SysMem region() {
        return region;
    }

    @Override
    protected void checkDevice() {
        runner.checkHealthy();
    }
}
