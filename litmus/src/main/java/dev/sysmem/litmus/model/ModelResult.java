package dev.sysmem.litmus.model;

import java.util.Locale;
import java.util.Optional;

/**
 * What the Linux-kernel memory model says of a test's condition, from the {@code Result:} line of
 * the file's comment (the kernel's scripts read it there; herd7 computes it). It speaks of the
 * condition's proposition whatever the quantifier: {@code Never} means no execution satisfies it,
 * {@code Always} that every execution does, {@code Sometimes} that some do and some do not.
 */
public enum ModelResult {
    NEVER("Never"),
    SOMETIMES("Sometimes"),
    ALWAYS("Always");

    private final String word;

    ModelResult(String word) {
        this.word = word;
    }

    /** The word as litmus files and herd7 write it. */
    public String word() {
        return word;
    }

    /** The result a {@code Result:} word names; empty for the others ({@code Maybe}, {@code DEADLOCK}, ...). */
    public static Optional<ModelResult> of(String word) {
        for (ModelResult r : values()) {
            if (r.word.toLowerCase(Locale.ROOT).equals(word.toLowerCase(Locale.ROOT))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
