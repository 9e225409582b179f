/**
 * The typed I/O API over shared memory: {@code dev.sysmem.io} for users, {@code dev.sysmem.io.spi}
 * for code that intercepts the access path (a scheduler, a tracer). Depends on nothing but the JDK.
 * Run with {@code --enable-native-access=dev.sysmem.core} where the module calls restricted
 * {@code java.lang.foreign} methods.
 */
module dev.sysmem.core {
    exports dev.sysmem.io;
    exports dev.sysmem.io.spi;
}
