/**
 * JUnit 5 integration of the race explorer: {@link dev.sysmem.explore.junit.RaceTest}. Needs
 * {@code junit-jupiter-api} on the test class path; the rest of the explorer does not.
 */
package dev.sysmem.explore.junit;
