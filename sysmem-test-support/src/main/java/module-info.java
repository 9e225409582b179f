/** Helpers the modules' tests share: a child JVM with deadlines, unique {@code /dev/shm} names, Awaitility settings. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Awaitility 4.3 names no module; its jar's name is its module name.
module dev.sysmem.testing {
    requires transitive awaitility;

    exports dev.sysmem.testing;
}
