/**
 * Small drivers with known races against sysmem's reference devices, each beside its fixed
 * version, as {@link dev.sysmem.explore.ExploredTest}s: the explorer's own proof that it finds
 * driver/device races, and examples of explored tests. Each class documents the interleaving
 * that breaks the buggy driver and why the fix closes it.
 */
package dev.sysmem.explore.races;
