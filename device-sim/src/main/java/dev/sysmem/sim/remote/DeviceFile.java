package dev.sysmem.sim.remote;

import dev.sysmem.io.SharedMemory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static dev.sysmem.sim.remote.RemoteLayout.*;

/**
 * What a device file left on disk says about its owner: the host process (pid and start time)
 * that wrote its header, and whether that process still lives. The basis of taking over a file a
 * crashed host left behind ({@code sysmem-sim run --create}) and of {@code sysmem-sim clean}.
 *
 * <p><b>Guarantees.</b> A file counts as abandoned only when that is proven: its header is a
 * sysmem device header (MAGIC), it names a pid, and no process with that pid and that start time
 * exists (a pid reused by a later process does not keep a file alive). A file whose owner lives,
 * whose header names no pid, or that is not a device file is never called abandoned, so it is
 * never removed by {@link #removeIfAbandoned}. The owner check needs the host and this process in
 * the same PID namespace.
 *
 * @param file         the file
 * @param kind         KIND from the header
 * @param state        STATE from the header (empty if it holds a value no host writes)
 * @param pid          the owner's pid, 0 if the header names none
 * @param processStart the owner's start time, 0 if unknown
 * @param ownerAlive   whether a process with that pid and start time exists now
 */
public record DeviceFile(Path file, String kind, Optional<RemoteState> state, long pid, Instant processStart,
                         boolean ownerAlive) {

    /** Process start times are compared with this slack, as two readers may round them differently. */
    static final long START_SLACK_MILLIS = 1_000;

    public DeviceFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(processStart, "processStart");
    }

    /**
     * Reads the header of {@code file}.
     *
     * @return empty if the file is missing, smaller than a header, or not a device file (no MAGIC)
     * @throws IOException if the file exists but cannot be mapped
     */
    public static Optional<DeviceFile> read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (size < HEADER_SIZE || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (SharedMemory memory = SharedMemory.open(file, size)) {
            RemoteHeader header = new RemoteHeader(memory.io(file.toString()));
            if (header.magic() != MAGIC_VALUE) {
                return Optional.empty();
            }
            long pid = header.pid();
            long start = header.processStartMillis();
            return Optional.of(new DeviceFile(file, header.kind(), RemoteState.of(header.stateCode()), pid,
                    Instant.ofEpochMilli(start), pid != 0 && isAlive(pid, start)));
        }
    }

    /**
     * The device files in {@code directory} (not its subdirectories), in name order; files that
     * are not device files, or vanish while being read, are left out.
     *
     * @throws IOException if the directory cannot be listed
     */
    public static List<DeviceFile> list(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            entries.forEach(files::add);
        }
        files.sort(null);
        List<DeviceFile> found = new ArrayList<>();
        for (Path f : files) {
            try {
                read(f).ifPresent(found::add);
            } catch (IOException e) {
                // A file we may not map (another user's) or one removed meanwhile is not ours to judge.
            }
        }
        return found;
    }

    /** Whether the owner is provably dead: a device file naming a pid that no longer runs. */
    public boolean abandoned() {
        return pid != 0 && !ownerAlive;
    }

    /**
     * Removes the file if it is {@link #abandoned()}, reading its header again first so that a
     * host that took it over meanwhile keeps it.
     *
     * @return whether the file was removed
     * @throws IOException if it could not be removed
     */
    public boolean removeIfAbandoned() throws IOException {
        Optional<DeviceFile> now = read(file);
        if (now.isEmpty() || !now.get().abandoned() || now.get().pid != pid) {
            return false;
        }
        return Files.deleteIfExists(file);
    }

    /** One line for a person: file, kind, state, owner and whether it lives. */
    public String describe() {
        return file + ": " + kind + " " + state.map(Enum::name).orElse("?") + ", owner pid " + pid
                + (pid == 0 ? " (none named)" : ownerAlive ? " (running)" : " (dead, started " + processStart + ")");
    }

    /** Whether a process with {@code pid} runs and, if {@code startMillis} is known, started then. */
    static boolean isAlive(long pid, long startMillis) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return startMillis == 0 || started.isEmpty()
                || Math.abs(started.get().toEpochMilli() - startMillis) <= START_SLACK_MILLIS;
    }
}
