/**
 * Running processes as the shim sees them, read from /proc: whether the shim is mapped, which allocator, and the
 * route the shim must have taken.
 */
package io.memproxy.ps;
