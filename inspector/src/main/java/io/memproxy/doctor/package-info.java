/**
 * The pre-install check: each {@link io.memproxy.doctor.Check} examines one concern of a preload chain (the chain
 * itself, its order, the allocator, the system route, the config, secure execution, the targets, the probe) and
 * returns {@link io.memproxy.doctor.Finding}s with stable ids, severities and fixes. Also holds what the shim
 * will decide for a program ({@link io.memproxy.doctor.ShimModel}) and how an executable is classified, which
 * scan, ps and install share.
 */
package io.memproxy.doctor;
