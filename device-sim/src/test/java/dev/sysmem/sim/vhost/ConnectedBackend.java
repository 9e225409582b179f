package dev.sysmem.sim.vhost;

import dev.sysmem.sim.ivshmem.Libc;
import dev.sysmem.sim.virtio.RamDisk;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link VhostUserBlkBackend} serving one end of a socketpair on its own thread, the test holding
 * the other end as a {@link FrontEnd}: the protocol without QEMU. The back-end's end is closed when
 * its connection ends, as the server does, so the front-end then reads end of stream.
 */
final class ConnectedBackend implements AutoCloseable {

    /** Message deadline for tests: a stalled message is detected quickly. */
    static final Duration MESSAGE_DEADLINE = Duration.ofMillis(300);

    final RamDisk disk;
    final VhostUserBlkBackend backend;
    final FrontEnd frontEnd;
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final AtomicLong served = new AtomicLong();
    private volatile boolean stop;

    ConnectedBackend(RamDisk disk) throws IOException {
        this.disk = disk;
        this.backend = new VhostUserBlkBackend(disk);
        int[] pair = Libc.socketPair();
        this.frontEnd = new FrontEnd(pair[1]);
        Thread.ofPlatform().daemon().name("vhost-user-blk test back-end").start(() -> {
            try {
                ended.complete(new VhostUserConnection(pair[0], backend, MESSAGE_DEADLINE)
                        .run(() -> stop, served::set));
            } catch (Throwable t) {
                ended.completeExceptionally(t);
            } finally {
                backend.close();
                Libc.closeQuietly(pair[0]);
            }
        });
    }

    /** Why the connection ended, waiting at most {@link FrontEnd#DEADLINE}. */
    String reason() throws Exception {
        return ended.get(FrontEnd.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean hasEnded() {
        return ended.isDone();
    }

    long served() {
        return served.get();
    }

    @Override
    public void close() throws Exception {
        stop = true;
        frontEnd.close();
        ended.handle((r, t) -> r).get(FrontEnd.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
