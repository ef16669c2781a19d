package io.memproxy.trial;

import java.util.Optional;

/** Linux x86-64 signal names, for how a run ended. */
final class Signals {
    private Signals() {}

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
        "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    static Optional<String> name(int signal) {
        return signal > 0 && signal < NAMES.length ? Optional.of(NAMES[signal]) : Optional.empty();
    }
}
