package io.memproxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exclusion list as the shim understands it: every line, the programs it names, and what the
 * directives set.
 *
 * @param mode            {@code auto}, {@code none}, {@code custom} or a profile name ({@code @allocator})
 * @param secureAllocator {@code @secure allocator}: secure-execution processes may use the allocator too
 * @param custom          the {@code @symbol ROLE NAME} entries
 * @param bad             why the shim rejects the whole file (it then keeps every process on glibc), or ""
 */
public record ExclusionList(List<ConfigLine> lines, String mode, boolean secureAllocator, Map<Role, String> custom,
        String bad) {
    public ExclusionList {
        lines = List.copyOf(lines);
        custom = Map.copyOf(custom);
    }

    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (ConfigLine l : lines) {
            if (l.kind() == ConfigLine.Kind.NAME) {
                out.add(l.value());
            }
        }
        return List.copyOf(out);
    }

    public Optional<AllocatorProfile> namedProfile() {
        return AllocatorProfile.named(mode);
    }

    /**
     * Whether a line names the executable (shim/src/config.c: mp_config_lists): the file name is compared
     * byte for byte, so a name with a '/' never matches.
     *
     * @param exePath the executable's path with links resolved, as /proc/self/exe gives it
     */
    public boolean lists(String exePath) {
        String base = exePath.substring(exePath.lastIndexOf('/') + 1);
        return names().contains(base);
    }
}
