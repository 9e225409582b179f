package dev.sysmem.sim.cli;

import dev.sysmem.cli.DurationConverter;
import dev.sysmem.cli.ExitCode;
import dev.sysmem.cli.SizeConverter;
import dev.sysmem.io.SharedMemory;
import dev.sysmem.sim.AccessTrace;
import dev.sysmem.sim.DeviceFailureException;
import dev.sysmem.sim.DeviceStuckException;
import dev.sysmem.sim.remote.DeviceFile;
import dev.sysmem.sim.remote.DeviceKind;
import dev.sysmem.sim.remote.RemoteDeviceHost;
import dev.sysmem.sim.remote.RemoteLayout;
import dev.sysmem.sim.remote.RemoteState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code run <kind>}: runs one device of a kind in the foreground over a shared file with a
 * {@link RemoteDeviceHost}, shows a status line, stops on SIGINT/SIGTERM or after
 * {@code --duration}, prints a summary and exits 0 (stopped), 1 (the device failed, or could not
 * start) or 2 (usage error, from picocli). The options here are shared by every kind; the kind's
 * own options are mixed in from its {@link KindOptions}, which map them to the kind's options object.
 */
@Command(sortOptions = false, showDefaultValues = true)
final class RunKindCommand implements Callable<Integer> {

    /** How often the status line is refreshed. */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);

    private final KindOptions kindOptions;
    /** The configured kind, known once the options are parsed ({@link #call}). */
    private DeviceKind kind;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--file", required = true, paramLabel = "FILE",
            description = "The shared file, e.g. /dev/shm/NAME: a 4 KiB header, then the device's region.")
    Path file;

    @Option(names = "--create", description = "Create the file (it must not exist; mode 0600). "
            + "It is removed on exit unless --keep.")
    boolean create;

    @Option(names = "--keep", description = "With --create: leave the file in place on exit.")
    boolean keep;

    @Option(names = "--size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "Size of the whole file (header + region), e.g. 8K, 1M; a power of two for QEMU ivshmem. "
                    + "Default: with --create, the header + the kind's default region; else the file's size.")
    Long size;

    @Option(names = "--name", paramLabel = "NAME", description = "The device's name (its thread is device-NAME). Default: the kind.")
    String name;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 30s, 5m, PT1H. Default: until interrupted.")
    Duration duration;

    @Option(names = "--heartbeat", paramLabel = "PERIOD", converter = DurationConverter.class, defaultValue = "100ms",
            description = "Heartbeat period; drivers take the device for dead after many missed beats.")
    Duration heartbeat;

    @Option(names = "--stop-deadline", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5s",
            description = "How long the device may take to stop (then it is interrupted, and given as long again).")
    Duration stopDeadline;

    @Option(names = "--trace", paramLabel = "N", defaultValue = "0",
            description = "Keep the device's last N memory accesses and print them if it fails.")
    int trace;

    @Option(names = "--status", negatable = true,
            description = "Show a live status line on stderr. Default: on when run from an interactive terminal.")
    Boolean status;

    private RunKindCommand(KindOptions kindOptions) {
        this.kindOptions = kindOptions;
    }

    /** The {@code run <kind>} command: these options, then the kind's own. */
    static CommandSpec spec(DeviceKind kind) {
        KindOptions options = KindOptions.forKind(kind.name());
        CommandSpec spec = CommandSpec.forAnnotatedObject(new RunKindCommand(options));
        spec.name(kind.name());
        spec.usageMessage().description(kind.description());
        spec.addMixin(kind.name() + "-options", CommandSpec.forAnnotatedObjectLenient(options));
        return spec;
    }

    @Override
    public Integer call() throws IOException {
        try {
            kind = kindOptions.kind();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (trace < 0) {
            throw new ParameterException(spec.commandLine(), "--trace must not be negative, was " + trace);
        }
        requirePositive("--duration", duration);
        requirePositive("--heartbeat", heartbeat);
        requirePositive("--stop-deadline", stopDeadline);
        if (keep && !create) {
            throw new ParameterException(spec.commandLine(), "--keep only applies to a file made with --create");
        }
        CountDownLatch wake = new CountDownLatch(1);
        ShutdownSignal signal = ShutdownSignal.install(stopDeadline.multipliedBy(2).plusSeconds(5), wake::countDown);
        int code = ExitCode.FAILED;
        try {
            code = runOnFile(wake, signal);
            return code;
        } finally {
            signal.finish(code);
        }
    }

    private void requirePositive(String option, Duration value) {
        if (value != null && value.isZero()) {
            throw new ParameterException(spec.commandLine(), option + " must be positive, was 0");
        }
    }

    private int runOnFile(CountDownLatch wake, ShutdownSignal signal) throws IOException {
        long smallest = RemoteLayout.fileSize(kind.minRegionSize());
        Path directory = file.toAbsolutePath().getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such directory (for --file " + file + ")");
        }
        SharedMemory memory;
        if (create) {
            long fileSize = size != null ? size : RemoteLayout.fileSize(kind.defaultRegionSize());
            checkSize(fileSize, smallest);
            takeOverIfAbandoned();
            try {
                memory = SharedMemory.create(file, fileSize);
            } catch (FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException(file.toString(), null,
                        "already exists; leave out --create to run over it, or remove it");
            }
        } else {
            long existing;
            try {
                existing = Files.size(file);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(file.toString(), null, "no such file; add --create to make it");
            }
            if (size != null) {
                checkSize(size, smallest);
            } else if (existing < smallest) {
                throw new FileSystemException(file.toString(), null, "is " + existing + " bytes, too small for a "
                        + kind.name() + " device: it needs at least " + smallest + " bytes (" + RemoteLayout.HEADER_SIZE
                        + " of header, " + kind.minRegionSize() + " of region); remove it and use --create");
            }
            memory = SharedMemory.open(file, size != null ? size : existing);
        }
        try (memory) {
            return runDevice(memory, wake, signal);
        } finally {
            if (create && !keep) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Removes {@code --file} if it is a device file whose owner is provably dead (a crashed
     * host's leftover), saying so; refuses it, naming the owner, if the owner lives.
     */
    private void takeOverIfAbandoned() throws IOException {
        Optional<DeviceFile> found = DeviceFile.read(file);
        if (found.isEmpty()) {
            return;
        }
        DeviceFile leftover = found.get();
        if (leftover.abandoned()) {
            if (leftover.removeIfAbandoned()) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(spec.root().name() + ": taking over " + file + ": its " + leftover.kind() + " device's process "
                        + leftover.pid() + " (started " + leftover.processStart() + ") is gone");
                out.flush();
            }
        } else if (leftover.pid() != 0) {
            throw new FileAlreadyExistsException(file.toString(), null, "is in use by a running " + leftover.kind()
                    + " device (pid " + leftover.pid() + "); stop it first, or choose another file");
        }
    }

    private void checkSize(long fileSize, long smallest) {
        if (fileSize < smallest) {
            throw new ParameterException(spec.commandLine(), "--size " + fileSize + " is too small for a " + kind.name()
                    + " device: the file needs at least " + smallest + " bytes (" + RemoteLayout.HEADER_SIZE
                    + " of header, " + kind.minRegionSize() + " of region)");
        }
    }

    private int runDevice(SharedMemory memory, CountDownLatch wake, ShutdownSignal signal) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccessTrace accessTrace = trace > 0 ? new AccessTrace(trace) : null;
        RemoteDeviceHost.Builder builder = RemoteDeviceHost.builder(memory, kind).heartbeatPeriod(heartbeat)
                .stopDeadline(stopDeadline);
        if (name != null) {
            builder.deviceName(name);
        }
        if (accessTrace != null) {
            builder.trace(accessTrace);
        }
        long started = System.nanoTime();
        RemoteDeviceHost host = builder.start();
        host.ended().whenComplete((state, e) -> wake.countDown());
        out.printf("%s '%s' running on %s (pid %d); stop with Ctrl-C%s%n", kind.name(), host.deviceName(), file,
                ProcessHandle.current().pid(), duration == null ? "" : " or after " + duration);
        out.flush();

        String why = waitForEnd(host, wake, signal, started, err);
        RuntimeException failure = null;
        try {
            host.close();
        } catch (DeviceFailureException | DeviceStuckException e) {
            failure = e;
        }
        if (failure != null && why.equals("stop requested")) {
            why = "device failed";
        }
        out.printf("%s '%s' on %s: %s after %s (%s); %s; heartbeat %d%n", kind.name(), host.deviceName(), file,
                host.state(), seconds(System.nanoTime() - started), why, host.activity(), host.heartbeat());
        out.flush();
        if (failure != null) {
            err.println(spec.root().name() + ": " + failure.getMessage());
            failure.printStackTrace(err);
            if (accessTrace != null) {
                err.println(accessTrace.dump());
            }
            err.flush();
            return ExitCode.FAILED;
        }
        return 0;
    }

    /** Waits for a signal, the end of the duration, or the device's end; refreshes the status line meanwhile. */
    private String waitForEnd(RemoteDeviceHost host, CountDownLatch wake, ShutdownSignal signal, long started,
                              PrintWriter err) {
        boolean interactive = StatusLine.interactive();
        StatusLine line = status != null ? (status ? new StatusLine(err, interactive) : null)
                : interactive ? new StatusLine(err, true) : null;
        long limit = duration == null ? Long.MAX_VALUE : saturatedNanos(duration);
        try {
            while (true) {
                long elapsed = System.nanoTime() - started;
                long wait = Math.min(STATUS_INTERVAL.toNanos(), limit - elapsed);
                boolean woke = wait > 0 && wake.await(wait, TimeUnit.NANOSECONDS);
                if (line != null) {
                    line.show(String.format("%s %s  up %s  heartbeat %d  %s", host.deviceName(), host.state(),
                            seconds(System.nanoTime() - started), host.heartbeat(), host.activity()));
                }
                if (signal.isRequested()) {
                    return "stop requested";
                }
                if (woke) {
                    return host.ended().getNow(RemoteState.STOPPED) == RemoteState.FAILED ? "device failed" : "device ended";
                }
                if (System.nanoTime() - started >= limit) {
                    return "duration elapsed";
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (line != null) {
                line.end();
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
