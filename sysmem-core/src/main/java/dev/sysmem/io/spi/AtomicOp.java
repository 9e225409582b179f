package dev.sysmem.io.spi;

/** The atomic read-modify-write operations an {@link AccessHandler} performs. */
public enum AtomicOp {
    /** Store the operand if the location holds the expected value. */
    COMPARE_AND_SET,
    /** As {@link #COMPARE_AND_SET}; the caller receives the value found. */
    COMPARE_AND_EXCHANGE,
    /** Add the operand (wrapping at the width). */
    GET_AND_ADD,
    /** Store the operand. */
    GET_AND_SET,
    /** OR the operand's bits in. */
    GET_AND_BITWISE_OR,
    /** AND with the operand's bits. */
    GET_AND_BITWISE_AND
}
