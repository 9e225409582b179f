package dev.sysmem.litmus.model;

/**
 * A value in an init block or a condition: an integer, or the address of a global variable
 * ({@code p=y;} or {@code p=&y;} make {@code p} point to {@code y}).
 */
public sealed interface Value {

    /** An integer constant. */
    record Constant(long value) implements Value {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** The address of the global variable {@code variable}. */
    record AddressOf(String variable) implements Value {
        @Override
        public String toString() {
            return "&" + variable;
        }
    }
}
