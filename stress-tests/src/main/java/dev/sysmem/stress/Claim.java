package dev.sysmem.stress;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.Width;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Places a jcstress test in the claims matrix: its row ({@link #property}) and its column (mode,
 * width, segment). The generator writes it on every test it generates; the claims report reads it
 * (without initialising the test class) to lay out the results.
 *
 * <p>An empty {@link #width} means the test fixes its own widths (the device publication test
 * writes 64-, 32- and 16-bit fields): its cell spans the width columns. An empty {@link #segment}
 * means the test does not use a shared segment (the plain-field control). A non-empty
 * {@link #breakage} makes the test a sensitivity control of its row: it runs the row's test through
 * a deliberately broken implementation, and its weak outcome is expected.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Claim {

    /** The report row. */
    Property property();

    /** The access mode of the accesses under test. */
    AccessMode mode();

    /** The width of the accesses under test; empty when the test fixes its own widths. */
    Width[] width() default {};

    /** The memory the test races on; empty when it uses none. */
    SegmentKind[] segment() default {};

    /** The broken implementation a control runs through; empty for a test of the real one. */
    Breakage[] breakage() default {};
}
