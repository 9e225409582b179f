package dev.sysmem.litmus.model;

import java.util.List;
import java.util.Optional;

/** A statement of a process body. */
public sealed interface Statement {

    /** Where the statement starts. */
    Position position();

    /** {@code int r0;}, {@code int *r1;}, {@code int a = READ_ONCE(*x);}. */
    record Declaration(String type, String register, Optional<Expression> initialValue, Position position)
            implements Statement {
    }

    /** {@code r0 = e;}. */
    record Assignment(String register, Expression value, Position position) implements Statement {
    }

    /** {@code *x = e;}: a plain (unmarked) C store. */
    record PlainStore(Expression address, Expression value, Position position) implements Statement {
    }

    /** A call whose value, if any, is dropped: {@code WRITE_ONCE(*x, 1);}, {@code smp_mb();}. */
    record CallStatement(Expression.Call call, Position position) implements Statement {
    }

    /** {@code if (condition) then [else otherwise]}; C truth: non-zero is true. */
    record If(Expression condition, List<Statement> then, List<Statement> otherwise, Position position)
            implements Statement {
        public If {
            then = List.copyOf(then);
            otherwise = List.copyOf(otherwise);
        }
    }

    /** {@code { ... }}. */
    record Block(List<Statement> statements, Position position) implements Statement {
        public Block {
            statements = List.copyOf(statements);
        }
    }
}
