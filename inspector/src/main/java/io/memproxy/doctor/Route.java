package io.memproxy.doctor;

import io.memproxy.shimmodel.ShimRoute;

/**
 * The decision the shim is predicted to make for one executable, in the words of its
 * {@code MEMPROXY_DEBUG} line ({@code route=… allocator=… reason=…}), plus who provides {@code malloc}.
 *
 * @param route      allocator, system, or none when the shim does not decide
 * @param allocator  the allocator's profile name, or "" on the system route
 * @param reason     the shim's reason word, or why the shim is not involved
 * @param mallocFrom the object the executable's {@code malloc} binds to
 */
public record Route(String exe, ShimRoute route, String allocator, String reason, String mallocFrom) {}
