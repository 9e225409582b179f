/**
 * QEMU's {@code edu} educational PCI device ({@link dev.sysmem.sim.edu.EduDevice}), with its
 * register map ({@link dev.sysmem.sim.edu.EduLayout}): trapped registers with side effects, a
 * factorial computed on the device thread, an interrupt with raise/acknowledge registers, and DMA
 * between guest memory and the device's buffer, checked so that an out-of-range transfer is a
 * clear device error rather than an emulator abort.
 */
package dev.sysmem.sim.edu;
