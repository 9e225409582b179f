package dev.sysmem.io;

import dev.sysmem.testing.ChildJvm;
import dev.sysmem.testing.ShmFiles;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One race between a child JVM accessing shared memory ({@link TruncationRaceAccessor}) and this
 * process truncating it to one page and extending it again, as fast as it can, until the child
 * ends. Used by {@link TruncationRaceTest} and by {@link #main}, which measures crash rates.
 */
final class TruncationRace {

    static final long SIZE = 8192;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /** The compilation modes of the matrix, by the flags that force them. */
    static final Map<String, List<String>> COMPILERS = new LinkedHashMap<>();

    static {
        COMPILERS.put("interpreter", List.of("-Xint"));
        COMPILERS.put("C1", List.of("-XX:TieredStopAtLevel=1"));
        COMPILERS.put("C2", List.of("-XX:-TieredCompilation"));
    }

    /** What one race left: per operation, {completed, faults}; how the child ended; the truncations. */
    record Outcome(int exitCode, boolean alive, Map<String, long[]> results, long truncated, long refused, String output) {
        boolean crashed() {
            return exitCode != 0 || !alive;
        }
    }

    private TruncationRace() {
    }

    /**
     * Races {@code operations}, each for {@code millisPerOperation} ms and on until its first
     * fault or {@code maxMillisPerOperation} ms.
     */
    static Outcome run(List<String> compilerFlags, Path path, List<String> operations, long millisPerOperation,
                       long maxMillisPerOperation) throws IOException, InterruptedException {
        List<String> flags = new ArrayList<>(compilerFlags);
        flags.add("--enable-native-access=ALL-UNNAMED"); // ChildJvm runs the child from the class path
        flags.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/sysmem-truncation-race-hs_err_%p.log");
        flags.add("-XX:-CreateCoredumpOnCrash");
        long truncated = 0;
        long refused = 0;
        try (ChildJvm child = ChildJvm.start(flags, TruncationRaceAccessor.class, path.toString(), Long.toString(SIZE),
                Long.toString(millisPerOperation), Long.toString(maxMillisPerOperation), String.join(",", operations))) {
            await().atMost(DEADLINE).until(() -> child.output().contains("STARTED") || !child.isAlive());
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ByteBuffer oneByte = ByteBuffer.allocate(1);
                while (child.isAlive() && System.nanoTime() < deadline) {
                    try {
                        file.truncate(SharedMemory.PAGE_SIZE);
                        file.write(oneByte.clear(), SIZE - 1);
                        truncated++;
                    } catch (IOException e) {
                        refused++;
                    }
                }
            }
            ChildJvm.Result result = child.await(Duration.ofSeconds(10));
            Map<String, long[]> results = new LinkedHashMap<>();
            for (String line : result.lines()) {
                if (line.startsWith("RESULT ")) {
                    String[] parts = line.split(" ");
                    results.put(parts[1], new long[] {Long.parseLong(parts[2]), Long.parseLong(parts[3])});
                }
            }
            boolean alive = result.lines().stream().anyMatch(l -> l.startsWith("ALIVE"));
            return new Outcome(result.exitCode(), alive, results, truncated, refused, result.output());
        }
    }

    /**
     * Measures the crash rate of each operation on a guarded file in each compilation mode:
     * {@code TruncationRace RUNS MILLIS [OP,...]}, one child JVM per run, operation and mode.
     */
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        long millis = Long.parseLong(args[1]);
        List<String> operations = args.length > 2 ? List.of(args[2].split(","))
                : List.copyOf(TruncationRaceAccessor.OPERATIONS.keySet());
        ShmFiles files = new ShmFiles();
        try {
            System.out.println("| operation | " + String.join(" | ", COMPILERS.keySet()) + " |");
            for (String op : operations) {
                StringBuilder row = new StringBuilder("| " + op + " |");
                for (List<String> flags : COMPILERS.values()) {
                    int crashes = 0;
                    long faults = 0;
                    for (int r = 0; r < runs; r++) {
                        Path path = files.next("race");
                        try (SharedMemory shm = SharedMemory.create(path, SIZE)) {
                            Outcome o = run(flags, path, List.of(op), millis, millis);
                            crashes += o.crashed() ? 1 : 0;
                            faults += o.results().getOrDefault(op, new long[2])[1];
                        }
                        files.deleteAll();
                    }
                    row.append(" ").append(crashes).append("/").append(runs).append(" crashed (")
                            .append(faults).append(" faults) |");
                }
                System.out.println(row);
            }
        } finally {
            files.deleteAll();
        }
    }
}
