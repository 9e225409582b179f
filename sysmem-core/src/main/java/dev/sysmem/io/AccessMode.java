package dev.sysmem.io;

/**
 * The memory-ordering mode of the accesses a {@link SysMem} view makes, from weakest to strongest.
 *
 * <table>
 *   <caption>Modes, their kernel and C11 counterparts, and what each guarantees</caption>
 *   <tr><th>mode</th><th>VarHandle</th><th>kernel / C11</th><th>guarantees</th></tr>
 *   <tr><td>{@link #PLAIN}</td><td>{@code get}/{@code set}</td><td>plain C access</td>
 *       <td>nothing across threads; a control for stress tests, never a default</td></tr>
 *   <tr><td>{@link #OPAQUE}</td><td>{@code getOpaque}/{@code setOpaque}</td>
 *       <td>{@code READ_ONCE}/{@code WRITE_ONCE}, Rust {@code read_volatile}, {@code memory_order_relaxed}</td>
 *       <td>never torn (aligned), never elided or merged, coherent per location</td></tr>
 *   <tr><td>{@link #ACQUIRE_RELEASE}</td><td>{@code getAcquire}/{@code setRelease}</td>
 *       <td>{@code smp_load_acquire}/{@code smp_store_release}; the ordering of {@code readl}/{@code writel}</td>
 *       <td>the above, and message passing: what was written before a release store is visible
 *           after the acquire load that reads it</td></tr>
 *   <tr><td>{@link #VOLATILE}</td><td>{@code getVolatile}/{@code setVolatile}</td>
 *       <td>{@code memory_order_seq_cst}</td>
 *       <td>the above, and one total order of all volatile accesses (store buffering and IRIW
 *           are forbidden)</td></tr>
 * </table>
 *
 * <p><b>Guarantees.</b> Each claim in the table is shown, width by width, by the jcstress suites
 * in the {@code stress-tests} module; what a mode allows (for example the store-buffering outcome
 * under {@code ACQUIRE_RELEASE}) is allowed there too, never hidden.
 */
public enum AccessMode {
    /** Plain loads and stores: may be torn (64-bit on 32-bit JVMs), merged, hoisted or elided. */
    PLAIN,
    /** The kernel's {@code READ_ONCE}/{@code WRITE_ONCE}: atomic, never elided, coherent; no ordering. */
    OPAQUE,
    /** Loads are acquire, stores are release. */
    ACQUIRE_RELEASE,
    /** Sequentially consistent loads and stores. */
    VOLATILE
}
