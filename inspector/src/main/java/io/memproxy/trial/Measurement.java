package io.memproxy.trial;

import java.util.List;

/**
 * One run of a command as the kernel accounted for it when it ended (wait4's rusage, read by memproxy-run),
 * with what the command printed.
 *
 * @param wallNanos      from fork to the end of wait4
 * @param userMicros     user CPU time of the command and the descendants it waited for
 * @param systemMicros   system CPU time, likewise
 * @param maxRssKb       the largest resident set of any one of those processes (ru_maxrss)
 * @param exitStatus     the exit status, or -1 when a signal ended it
 * @param signal         the signal that ended it, or 0
 * @param timedOut       whether memproxy-run killed it at --timeout
 * @param interrupted    whether it was killed because the trial was interrupted
 * @param samples        VmRSS samples (milliseconds since start, KiB) when sampling was asked for
 * @param stdoutSha256   hex SHA-256 of everything it wrote on stdout
 * @param stdoutHead     the start of its stdout, to show a difference
 * @param stderrLines    the first lines of its stderr
 */
public record Measurement(long wallNanos, long userMicros, long systemMicros, long maxRssKb, long minorFaults,
        long majorFaults, long voluntarySwitches, long involuntarySwitches, int exitStatus, int signal, boolean timedOut,
        boolean interrupted, List<long[]> samples, long sampledPeakRssKb, String stdoutSha256, String stdoutHead,
        List<String> stderrLines) {
    public Measurement {
        samples = List.copyOf(samples);
        stderrLines = List.copyOf(stderrLines);
    }

    public double wallMillis() {
        return wallNanos / 1e6;
    }

    public double cpuMillis() {
        return (userMicros + systemMicros) / 1e3;
    }

    /** How the run ended, as people read it: "exit 0", "signal 11 (SIGSEGV)", "timed out". */
    public String ending() {
        if (timedOut) {
            return "timed out";
        }
        if (signal != 0) {
            return "signal " + signal + Signals.name(signal).map(n -> " (" + n + ")").orElse("");
        }
        return "exit " + exitStatus;
    }
}
