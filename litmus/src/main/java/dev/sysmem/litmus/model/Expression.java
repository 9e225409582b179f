package dev.sysmem.litmus.model;

import java.util.List;

/** A C expression in a process body, as the kernel's litmus files write them. */
public sealed interface Expression {

    /** Where the expression starts. */
    Position position();

    /** An integer literal. */
    record Constant(long value, Position position) implements Expression {
    }

    /** A name: a register, or a global variable named by a process parameter (a pointer). */
    record Name(String name, Position position) implements Expression {
    }

    /** {@code *operand}: the location an address points to. */
    record Dereference(Expression operand, Position position) implements Expression {
    }

    /** {@code &variable}. */
    record AddressOf(String variable, Position position) implements Expression {
    }

    /** {@code -operand}. */
    record Negation(Expression operand, Position position) implements Expression {
    }

    /** {@code (type) operand}, for example {@code *(intptr_t *)r1}. */
    record Cast(String type, Expression operand, Position position) implements Expression {
    }

    /** {@code left op right}, {@code op} one of {@code + - * / % & | ^ == != < > <= >=}. */
    record Binary(String operator, Expression left, Expression right, Position position) implements Expression {
    }

    /** A call of a kernel primitive or macro: {@code READ_ONCE(*x)}, {@code smp_mb()}, {@code xchg(x, 1)}. */
    record Call(String function, List<Expression> arguments, Position position) implements Expression {
        public Call {
            arguments = List.copyOf(arguments);
        }
    }
}
