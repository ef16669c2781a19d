package io.memproxy.doctor;

/**
 * The decision the shim is predicted to make for one executable, in the words of its
 * {@code MEMPROXY_DEBUG} line ({@code route=… allocator=… reason=…}), plus who provides {@code malloc}.
 *
 * @param route      {@code allocator}, {@code system}, or {@code none} when the shim is not in the process
 * @param allocator  the allocator's profile name, or "" on the system route
 * @param reason     the shim's reason word, or why the shim is not involved
 * @param mallocFrom the object the executable's {@code malloc} binds to
 */
public record Route(String exe, String route, String allocator, String reason, String mallocFrom) {}
