/**
 * The pre-install check: each {@link io.memproxy.doctor.Check} examines one concern of a preload chain (the chain
 * itself, its order, the allocator, the system route, the config, secure execution, the targets, the probe) and
 * returns {@link io.memproxy.finding.Finding}s with stable ids, severities and fixes, gathered into a
 * {@link io.memproxy.doctor.Diagnosis}. The facts come from the loader emulation through one
 * {@link io.memproxy.doctor.Inspection} per run.
 */
package io.memproxy.doctor;
