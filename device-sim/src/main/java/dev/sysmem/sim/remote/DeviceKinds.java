package dev.sysmem.sim.remote;

import java.util.List;
import java.util.function.Supplier;

/**
 * The device kinds that can be started by name, each with its default options: one line per kind
 * in {@link #TABLE}. Adding a kind is adding its constructor there; the command line's
 * {@code list} and {@code run <kind>} and the JUnit extension pick it up from this table (the
 * command line maps its options for the kind, if it has any, to the kind's options object).
 *
 * <p><b>Guarantees.</b> Names are unique and valid KIND values ({@link RemoteLayout#checkKind}).
 */
public final class DeviceKinds {

    /** Every kind, in the order {@code list} shows them. */
    private static final List<Supplier<DeviceKind>> TABLE = List.of(
            MailboxKind::new,
            ChaosKind::new,
            VirtioBlkKind::new
    );

    private DeviceKinds() {
    }

    /** Every kind with its default options, in table order. */
    public static List<DeviceKind> all() {
        List<DeviceKind> kinds = TABLE.stream().map(Supplier::get).toList();
        for (int i = 0; i < kinds.size(); i++) {
            RemoteLayout.checkKind(kinds.get(i).name());
            for (int j = 0; j < i; j++) {
                if (kinds.get(j).name().equals(kinds.get(i).name())) {
                    throw new IllegalStateException("two device kinds are named '" + kinds.get(i).name() + "'");
                }
            }
        }
        return kinds;
    }

    /** The names of every kind, in table order. */
    public static List<String> names() {
        return all().stream().map(DeviceKind::name).toList();
    }

    /**
     * The kind called {@code name}, with its default options.
     *
     * @throws IllegalArgumentException if no kind has that name; the message lists the kinds
     */
    public static DeviceKind create(String name) {
        for (DeviceKind kind : all()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no device kind '" + name + "'; the kinds are " + names());
    }
}
