/**
 * How a program is classified before anything is preloaded into it: its class and machine against this
 * machine's ({@link io.memproxy.executable.Platform}), static or dynamic, glibc or another libc, its own malloc
 * family, secure execution from set-user-ID bits or file capabilities ({@link io.memproxy.executable.FileCapabilities}).
 * The doctor, scan, trial and image commands share {@link io.memproxy.executable.ExecutableProfile}.
 */
package io.memproxy.executable;
