/**
 * A chaos device for robustness tests ({@link dev.sysmem.sim.chaos.ChaosDevice}): seeded random
 * writes at every width and offset of its region, with stuck bits, delays and jitter, torn 64-bit
 * updates and surprise removal; {@link dev.sysmem.sim.chaos.ChaosPlan} tells in advance which
 * writes a seed produces.
 */
package dev.sysmem.sim.chaos;
