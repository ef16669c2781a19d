package io.memproxy.image;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an image's config says about the process a container starts (OCI image-spec, config.md):
 * its environment, entrypoint and command, user and working directory, and the platform it was built for.
 */
public record ImageConfig(Map<String, String> env, List<String> entrypoint, List<String> cmd, String user, String workingDir,
        String os, String architecture, String variant) {
    /** docker's PATH when the config sets none. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ImageConfig {
        env = Map.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
    }

    /** The command line a container runs by default: Entrypoint, then Cmd. */
    public List<String> commandLine() {
        List<String> all = new java.util.ArrayList<>(entrypoint);
        all.addAll(cmd);
        return all;
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(env.get(name));
    }

    public String path() {
        return variable("PATH").orElse(DEFAULT_PATH);
    }
}
