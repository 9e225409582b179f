package dev.sysmem.sim.cli;

import dev.sysmem.cli.DurationConverter;
import dev.sysmem.cli.ExitCode;
import dev.sysmem.cli.SizeConverter;
import dev.sysmem.sim.vhost.VhostUserBlkServer;
import dev.sysmem.sim.virtio.RamDisk;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve vhost-user-blk}: serves a RAM disk to QEMU's {@code vhost-user-blk-pci} device
 * through {@link VhostUserBlkServer}, until interrupted or for {@code --duration}. Self-contained:
 * it runs by itself ({@link #main}) and is registered under {@code serve} in the sysmem-sim
 * command line.
 *
 * <pre>
 * serve vhost-user-blk --socket /tmp/sysmem-vhost.sock --size 64M
 * qemu-system-x86_64 -machine pc,memory-backend=mem -m 256M \
 *   -object memory-backend-memfd,id=mem,size=256M,share=on \
 *   -chardev socket,id=vu0,path=/tmp/sysmem-vhost.sock -device vhost-user-blk-pci,chardev=vu0,num-queues=1 ...
 * </pre>
 *
 * <p>Exit codes: 0 after a stop request or the duration, 1 if the socket cannot be made (an
 * existing path, say), 2 for a bad option.
 */
@Command(name = "vhost-user-blk", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a RAM disk as a vhost-user block device (QEMU: -device vhost-user-blk-pci).",
                "Runs until interrupted (Ctrl-C) or for --duration."})
public final class VhostUserBlkServeCommand implements Callable<Integer> {

    /** How often the command reports that the server thread is still alive. */
    private static final Duration HEALTH_CHECK = Duration.ofMillis(500);

    /** The command, for picocli to fill in. */
    public VhostUserBlkServeCommand() {
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", required = true, paramLabel = "PATH",
            description = "UNIX socket to listen on (QEMU: -chardev socket,path=PATH); it must not exist. "
                    + "Only this user may connect to it.")
    Path socket;

    @Option(names = "--size", defaultValue = "64M", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "Disk size: a multiple of 512 bytes, with an optional K, M or G suffix (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--id", defaultValue = "sysmem-vhost-blk", paramLabel = "TEXT",
            description = "The serial number the guest reads (GET_ID), at most 20 characters (default: ${DEFAULT-VALUE}).")
    String id;

    @Option(names = "--read-only", description = "Offer VIRTIO_BLK_F_RO and refuse writes.")
    boolean readOnly;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 30s, 5m (default: until interrupted).")
    Duration duration;

    /** Runs the command as a program. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new VhostUserBlkServeCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (size % RamDisk.SECTOR_SIZE != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--size must be a multiple of " + RamDisk.SECTOR_SIZE + " bytes, was " + size);
        }
        RamDisk disk;
        try {
            disk = RamDisk.create(size / RamDisk.SECTOR_SIZE, id, readOnly);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vhost-user-blk-stop");
        VhostUserBlkServer server;
        try {
            server = VhostUserBlkServer.start(socket, disk);
        } catch (FileAlreadyExistsException e) {
            err.println("serve vhost-user-blk: " + e.getFile() + " already exists; remove it or choose another --socket");
            return ExitCode.FAILED;
        } catch (IllegalArgumentException e) {
            err.println("serve vhost-user-blk: " + e.getMessage());
            return ExitCode.FAILED;
        }
        try (server) {
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("vhost-user-blk on %s: %d bytes (%d sectors)%s%n", server.path(), size, disk.capacity(),
                    readOnly ? ", read-only" : "");
            out.printf("QEMU options: -object memory-backend-memfd,id=mem,size=<RAM>,share=on -machine memory-backend=mem "
                    + "-chardev socket,id=vu0,path=%s -device vhost-user-blk-pci,chardev=vu0,num-queues=1%n", server.path());
            out.flush();
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while (!stop.await(Math.min(HEALTH_CHECK.toNanos(), Math.max(0, deadline - System.nanoTime())),
                    TimeUnit.NANOSECONDS) && deadline - System.nanoTime() > 0) {
                if (!server.isRunning()) {
                    err.println("serve vhost-user-blk: the server stopped: " + server.lastDisconnect());
                    return ExitCode.FAILED;
                }
            }
            out.printf("stopping; %d request(s) served over %d connection(s)%s%n", server.chainsServed(),
                    server.connections(), server.lastDisconnect() == null ? "" : "; last: " + server.lastDisconnect());
            out.flush();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is what stopped us; it is running now and needs no removal.
            }
        }
        return ExitCode.OK;
    }
}
