package io.memproxy.ps;

import io.memproxy.shimmodel.ShimRoute;
import java.util.List;
import java.util.Optional;

/**
 * What /proc says about one running process, and what memproxy makes of it.
 *
 * @param pid           the process id
 * @param exe           /proc/PID/exe, without a " (deleted)" suffix
 * @param startedAt     Unix time the process started
 * @param shim          the libmemproxy.so mapped into it, if any
 * @param allocators    allocator libraries mapped into it, by file
 * @param secure        AT_SECURE from /proc/PID/auxv (set-user-ID, set-group-ID, capabilities)
 * @param route         allocator, system, or none when the shim is not mapped
 * @param allocator     the allocator the shim must have chosen ({@code jemalloc}, …), "" on the other routes
 * @param reason        the shim's reason word for the route, or why the shim is absent
 * @param flags         what needs attention: {@code started-before-install}, {@code no-shim},
 *                      {@code allocator-not-mapped}, {@code config-changed}, {@code exe-deleted}
 */
public record ProcessInfo(int pid, String exe, long startedAt, Optional<String> shim, List<String> allocators,
        boolean secure, ShimRoute route, String allocator, String reason, List<String> flags) {
    public ProcessInfo {
        allocators = List.copyOf(allocators);
        flags = List.copyOf(flags);
    }
}
