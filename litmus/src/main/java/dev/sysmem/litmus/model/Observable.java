package dev.sysmem.litmus.model;

/** A thing a condition speaks of: a process's register, or a global variable's final value. */
public sealed interface Observable {

    /** How herd writes it: {@code 1:r0} or {@code x}. */
    String label();

    /** Register {@code register} of process {@code process} when the process ends. */
    record RegisterRef(int process, String register) implements Observable {
        @Override
        public String label() {
            return process + ":" + register;
        }
    }

    /** The final value of global variable {@code variable}, once every process has ended. */
    record MemoryRef(String variable) implements Observable {
        @Override
        public String label() {
            return variable;
        }
    }
}
