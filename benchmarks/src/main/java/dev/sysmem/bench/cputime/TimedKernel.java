package dev.sysmem.bench.cputime;

import dev.sysmem.io.AccessMode;

import java.util.Objects;

/**
 * One contender's loop for one table cell.
 *
 * @param contender         who makes the accesses: "SysMem", "raw VarHandle", "Agrona UnsafeBuffer", ...
 * @param cell              what is accessed, the same for every contender of the cell, e.g. {@code u32 opaque read x16}
 * @param mode              the access mode of the cell; {@code null} for the empty baseline, which has none
 * @param accessesPerRound  memory accesses per iteration of {@link Kernel#run}: 16 for the loops, 1 for single accesses
 * @param body              the loop
 */
record TimedKernel(String contender, String cell, AccessMode mode, int accessesPerRound, Kernel body) {

    TimedKernel {
        Objects.requireNonNull(contender, "contender");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(body, "body");
        if (accessesPerRound < 1) {
            throw new IllegalArgumentException("accessesPerRound must be at least 1, was " + accessesPerRound + " for " + key());
        }
    }

    /** The contender and cell, unique within a run. */
    String key() {
        return contender + " | " + cell;
    }
}
