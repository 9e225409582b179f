/**
 * Service-provider interfaces through which a controlled scheduler (the race explorer) takes
 * control of sysmem accesses, fences, clocks and waits. Drivers and devices never use this
 * package: they keep using {@code Io}, {@code SysMem}, {@code Barriers} and {@code Poll}.
 */
package dev.sysmem.io.spi;
