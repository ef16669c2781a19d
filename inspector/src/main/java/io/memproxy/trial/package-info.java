/**
 * memproxy trial: runs a command under glibc and under each allocator route through memproxy-run, checks with
 * the shim's own MEMPROXY_DEBUG line that each route is what it claims, and draws verdicts (faster, slower,
 * within the noise) from paired runs, never from a single timing. Also measures a chain's start-up cost, which
 * the doctor reports.
 */
package io.memproxy.trial;
