package dev.sysmem.explore.weak;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.spi.AtomicOp;
import dev.sysmem.io.spi.Fence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small concurrent program over named 32-bit locations, in the shape of a litmus test: threads
 * of instructions on registers and shared locations, and the locations' initial values. The
 * weak-memory model runs it ({@link ProgramExplorer}); front ends such as the litmus parser
 * translate into it.
 *
 * @param name      the program's name
 * @param threads   each thread's instructions, run from index 0; a thread ends after its last one
 * @param initial   initial values of locations (absent locations start at 0)
 * @param locations every shared location the program names, in a stable order
 */
public record Program(String name, List<List<Instruction>> threads, Map<String, Long> initial, List<String> locations) {

    public Program {
        Objects.requireNonNull(name, "name");
        threads = threads.stream().map(List::copyOf).toList();
        initial = new LinkedHashMap<>(initial);
        locations = List.copyOf(locations);
        for (String l : initial.keySet()) {
            if (!locations.contains(l)) {
                throw new IllegalArgumentException(name + ": initial value for unknown location " + l);
            }
        }
    }

    /** An expression over the current thread's registers. */
    public sealed interface Expr {
        long eval(Map<String, Long> registers);
    }

    /** A constant. */
    public record Const(long value) implements Expr {
        @Override
        public long eval(Map<String, Long> registers) {
            return value;
        }
    }

    /** A register's value (0 if never written). */
    public record Reg(String name) implements Expr {
        @Override
        public long eval(Map<String, Long> registers) {
            return registers.getOrDefault(name, 0L);
        }
    }

    /** A binary operator of C on 64-bit values; comparisons give 1 or 0. */
    public record Binary(String operator, Expr left, Expr right) implements Expr {
        public Binary {
            if (!List.of("+", "-", "*", "/", "&", "|", "^", "==", "!=", "<", ">", "<=", ">=", "&&", "||").contains(operator)) {
                throw new IllegalArgumentException("unknown operator " + operator);
            }
        }

        @Override
        public long eval(Map<String, Long> registers) {
            long a = left.eval(registers);
            long b = right.eval(registers);
            return switch (operator) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> b == 0 ? 0 : a / b;
                case "&" -> a & b;
                case "|" -> a | b;
                case "^" -> a ^ b;
                case "==" -> a == b ? 1 : 0;
                case "!=" -> a != b ? 1 : 0;
                case "<" -> a < b ? 1 : 0;
                case ">" -> a > b ? 1 : 0;
                case "<=" -> a <= b ? 1 : 0;
                case ">=" -> a >= b ? 1 : 0;
                case "&&" -> a != 0 && b != 0 ? 1 : 0;
                case "||" -> a != 0 || b != 0 ? 1 : 0;
                default -> throw new AssertionError(operator);
            };
        }
    }

    /** One step of a thread. Memory instructions are the model's actions; the others are local. */
    public sealed interface Instruction {
    }

    /** {@code register = location} read in {@code mode}. */
    public record Load(String register, String location, AccessMode mode) implements Instruction {
    }

    /** {@code location = value} written in {@code mode}. */
    public record Store(String location, AccessMode mode, Expr value) implements Instruction {
    }

    /** A fence. */
    public record Barrier(Fence fence) implements Instruction {
    }

    /**
     * An atomic read-modify-write (sequentially consistent); {@code register}, if not null,
     * receives the value found before it.
     */
    public record Update(String register, String location, AtomicOp op, Expr expected, Expr operand) implements Instruction {
    }

    /**
     * Takes a spin lock: waits until {@code location} holds 0, then sets it to 1 with an atomic
     * compare-and-set. A thread at a lock held by another is not runnable; if no thread can run the
     * execution is a deadlock.
     */
    public record Lock(String location) implements Instruction {
    }

    /** {@code register = value}, local. */
    public record Assign(String register, Expr value) implements Instruction {
    }

    /** Continue at {@code target} if {@code condition} is zero, local. */
    public record JumpUnless(Expr condition, int target) implements Instruction {
    }

    /** Continue at {@code target}, local. */
    public record Jump(int target) implements Instruction {
    }
}
