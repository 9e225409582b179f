package dev.sysmem.sim.cli;

import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.DeviceKinds;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The command-line options of one device kind, as a picocli mixin of {@code run <kind>}: after
 * parsing, {@link #kind()} maps them to the kind's options object in device-sim, the same object
 * a Java caller or the JUnit extension builds. A kind without options of its own runs with its
 * defaults ({@link DeviceKinds#create}).
 */
interface KindOptions {

    /** The options of every kind that has some, by kind name; a new kind with options adds a line here. */
    Map<String, Supplier<KindOptions>> BY_KIND = Map.of(
            "mailbox", MailboxOptions::new,
            "chaos", ChaosOptions::new,
            "virtio-blk", VirtioBlkOptions::new);

    /** The kind, configured by what was parsed into this object. */
    DeviceKind kind();

    /** A fresh options object for the kind {@code name}: its own, or none beyond the defaults. */
    static KindOptions forKind(String name) {
        Supplier<KindOptions> options = BY_KIND.get(name);
        return options != null ? options.get() : new Defaults(name);
    }

    /** No options: the kind as {@link DeviceKinds} has it. */
    record Defaults(String name) implements KindOptions {
        @Override
        public DeviceKind kind() {
            return DeviceKinds.create(name);
        }
    }
}
