/**
 * The {@code sysmem sim} commands ({@link dev.sysmem.sim.cli.SysmemSim}): {@code list} shows the
 * device kinds of {@link dev.sysmem.sim.remote.DeviceKinds}, {@code run <kind>} runs one in the
 * foreground over a shared file with the {@link dev.sysmem.sim.remote.RemoteLayout} header, so a
 * driver in another process or a QEMU guest finds it. Every kind shares the options of
 * {@code run} and adds its own.
 */
package dev.sysmem.sim.cli;
