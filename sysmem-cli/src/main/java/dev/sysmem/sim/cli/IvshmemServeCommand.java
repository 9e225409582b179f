package dev.sysmem.sim.cli;

import dev.sysmem.cli.DurationConverter;
import dev.sysmem.cli.SizeConverter;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceRunner;
import dev.sysmem.sim.ivshmem.Ivshmem;
import dev.sysmem.sim.ivshmem.IvshmemLink;
import dev.sysmem.sim.ivshmem.IvshmemPeer;
import dev.sysmem.sim.ivshmem.IvshmemServer;
import dev.sysmem.sim.mailbox.MailboxDevice;
import dev.sysmem.sim.mailbox.MailboxLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}: creates a shared-memory file, serves it as an ivshmem server for QEMU's
 * {@code ivshmem-doorbell} device, and hosts a simulated device behind it as a peer (the mailbox,
 * {@link MailboxLayout}, by default), until interrupted or for {@code --duration}. A device that
 * fails stops the command with exit code 1 and its failure.
 *
 * <p>It runs by itself ({@link #main}) and is registered as a subcommand of the command line
 * ({@link SysmemSim}). Bad input (a size that is not a power of two, an existing file, a socket
 * in use) is refused before anything listens, with exit code 2 for a bad option and 1 for a
 * refused resource. At the end the server stops, QEMU sees the socket close, and the file is
 * removed unless {@code --keep}.
 *
 * <pre>
 * serve --socket /tmp/sysmem-ivshmem.sock --shm /dev/shm/sysmem-ivshmem --size 1M --vectors 2
 * scripts/qemu/guest.sh --socket /tmp/sysmem-ivshmem.sock --vectors 2
 * </pre>
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve shared memory to QEMU guests as an ivshmem server (for -device ivshmem-doorbell) "
                + "and host a simulated device behind it as a peer.",
                "Runs until interrupted (Ctrl-C) or for --duration."})
public final class IvshmemServeCommand implements Callable<Integer> {

    /** The command, its options at their defaults until picocli parses them. */
    public IvshmemServeCommand() {
    }

    /** How often the command checks that its device has not failed. */
    private static final Duration HEALTH_CHECK = Duration.ofMillis(500);

    @Spec
    CommandSpec spec;

    // --socket is required, but checked in call(): picocli would otherwise demand it
    // of the subcommands registered under serve (serve vhost-user-blk) too.
    @Option(names = "--socket", paramLabel = "PATH",
            description = "UNIX socket to listen on (QEMU: -chardev socket,path=PATH); required.")
    Path socket;

    @Option(names = "--shm", paramLabel = "FILE",
            description = "Shared-memory file to create, e.g. /dev/shm/sysmem-ivshmem; it must not exist. "
                    + "Without it the memory is a sealed memfd, which no peer can truncate.")
    Path shm;

    @Option(names = "--size", defaultValue = "1M", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "Size of the shared memory: a power of two, with an optional K, M or G suffix (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--vectors", defaultValue = "1", paramLabel = "N",
            description = "Interrupt vectors per peer, 1..64; QEMU's vectors= must match (default: ${DEFAULT-VALUE}).")
    int vectors;

    @Option(names = "--device", defaultValue = "mailbox", paramLabel = "DEVICE",
            description = "Device behind the server: mailbox (dev.sysmem.sim.mailbox, register block at offset 0, "
                    + "woken by vector 0, interrupting guests on vector 0) or none (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 30s, 5m, PT1H (default: until interrupted).")
    Duration duration;

    @Option(names = "--keep", description = "Keep the shared-memory file when stopping.")
    boolean keep;

    /** Runs {@code serve} as a program: {@code java ... dev.sysmem.sim.cli.IvshmemServeCommand --help}. */
    public static void main(String[] args) {
        System.exit(dev.sysmem.cli.CommandLines.configure(new CommandLine(new IvshmemServeCommand())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (socket == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--socket=PATH'");
        }
        if (vectors < 1 || vectors > IvshmemServer.MAX_VECTORS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--vectors must be 1.." + IvshmemServer.MAX_VECTORS + ", was " + vectors);
        }
        if (!device.equals("mailbox") && !device.equals("none")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--device must be mailbox or none, was '" + device + "'");
        }
        try {
            Ivshmem.requireUsableSize(size, "--size");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (device.equals("mailbox") && size < MailboxLayout.MIN_REGION_SIZE) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "the mailbox needs at least " + MailboxLayout.MIN_REGION_SIZE + " bytes; --size is " + size);
        }
        SharedMemory memory;
        try {
            // A sealed memfd unless a path is asked for: QEMU gets it by descriptor, and no peer can shrink it.
            memory = shm == null ? SharedMemory.sealed("sysmem-ivshmem", size) : SharedMemory.create(shm, size);
        } catch (FileAlreadyExistsException e) {
            err.println("serve: " + shm + " already exists; remove it or choose another --shm");
            return 1;
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
        }, "serve-stop");
        try (memory; IvshmemServer server = IvshmemServer.start(socket, memory, vectors);
             IvshmemPeer peer = server.addPeer();
             DeviceRunner runner = new DeviceRunner()) {
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("ivshmem server on %s: %d bytes of %s, %d vector(s) per peer%n", socket, size,
                    shm != null ? shm : "a sealed memfd", vectors);
            out.printf("device peer %d: a guest rings its vector v with Doorbell = 0x%08x | v%n", peer.id(),
                    Ivshmem.doorbell(peer.id(), 0));
            String guestMode = "";
            MailboxDevice mailbox = null;
            if (device.equals("mailbox")) {
                mailbox = MailboxDevice.builder("mailbox", memory.io("ivshmem")).doorbell().build();
                runner.start(mailbox).start(IvshmemLink.between(peer, 0, mailbox.doorbell().orElseThrow())
                        .interruptingOn(mailbox.completion(), 0));
                out.printf("mailbox device: register block at BAR2 offset 0 (see MailboxLayout), woken by vector 0 of peer %d%n",
                        peer.id());
                guestMode = " --run mailbox --append 'sysmem.peer=" + peer.id() + " sysmem.commands=10'";
            }
            out.printf("QEMU options: %s%n", String.join(" ", Ivshmem.doorbellOptions(socket, vectors, "ivshmem")));
            out.printf("test guest:   scripts/qemu/guest.sh --socket %s --vectors %d%s%n", socket, vectors, guestMode);
            out.flush();
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while (!stop.await(Math.min(HEALTH_CHECK.toNanos(), Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)
                    && deadline - System.nanoTime() > 0) {
                runner.checkHealthy();
            }
            runner.checkHealthy();
            out.println(mailbox == null ? "stopping" : "stopping; the mailbox served " + mailbox.served() + " request(s)");
            out.flush();
        } catch (DeviceFailureException e) {
            err.println("serve: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | FileAlreadyExistsException e) {
            err.println("serve: " + e.getMessage());
            return 1;
        } finally {
            if (!keep && shm != null) {
                Files.deleteIfExists(shm);
            }
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is what stopped us; it is running now and needs no removal.
            }
        }
        return 0;
    }
}
