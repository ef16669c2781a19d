package io.memproxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The run the build records into the class-data archive (AppCDS): typical commands, output
 * discarded, so that every later start maps the classes they load instead of parsing them.
 * Commands that fail here (a missing file on an unusual machine) still load their classes.
 */
public final class Training {
    private Training() {}

    private static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
    private static final String DEMO_CHAIN = "shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    private static final String[][] RUNS = {
        {"--help"},
        {"elf", LIBC, "--symbols", "malloc*"},
        {"elf", "--json", LIBC},
        {"ldd", "/bin/sh"},
        {"ldd", "--tree", "/bin/sh"},
        {"bind", "/bin/sh"},
        {"doctor", "--preload", LIBC},
        // The one-program form (docs/doctor.md): --exe's setter has a lambda of its own.
        {"doctor", "--preload", LIBC, "--exe", "/bin/sh"},
        {"doctor", "--format", "json", "--preload", LIBC},
        {"check", "--preload", LIBC},
        // The demo chain (`make` builds the shim before the jar): the doctor's full path, allocator found.
        {"doctor", "--preload", DEMO_CHAIN, "--config", "samples/memproxy.conf"},
        {"doctor", "--json", "--preload", DEMO_CHAIN, "--config", "samples/memproxy.conf"},
        {"scan", "--no-progress", "/usr/sbin"},
        {"scan", "--no-progress", "--format", "json", "/usr/sbin"},
        {"scan", "--no-progress", "--format", "prometheus", "--suggest-config", "/usr/sbin"},
        {"ps"},
        {"ps", "--format", "json", "1"},
        {"install", "--dry-run", "--help"},
    };

    public static void main(String[] args) {
        for (String[] run : RUNS) {
            PrintWriter sink = new PrintWriter(new StringWriter());
            CommandLines.execute(sink, sink, Terminal.none(), run);
        }
    }
}
