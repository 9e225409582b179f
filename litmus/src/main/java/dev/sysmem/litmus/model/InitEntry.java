package dev.sysmem.litmus.model;

import java.util.Optional;

/**
 * One item of a litmus file's init block: {@code x=1;}, {@code int *p=&y;}, {@code 0:r1=5;},
 * {@code atomic_t v=ATOMIC_INIT(1);}, {@code spinlock_t s;}.
 *
 * @param process  the process whose register this initialises, or empty for a global variable
 * @param name     the variable or register
 * @param type     the declared type ({@code int}, {@code int *}, {@code atomic_t}, ...), or empty
 * @param value    the initial value (0 when the item gives none)
 * @param position where the item starts
 */
public record InitEntry(Optional<Integer> process, String name, Optional<String> type, Value value, Position position) {
}
