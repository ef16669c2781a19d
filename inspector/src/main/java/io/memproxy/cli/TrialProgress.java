package io.memproxy.cli;

import io.memproxy.trial.Trial;

/** The trial's progress on stderr when it is a terminal: route, run, elapsed and estimated remaining time. */
final class TrialProgress extends TerminalProgress implements Trial.Progress {
    TrialProgress(long total) {
        super("trial", total, 200, " runs");
    }

    @Override
    public void update(String route, String phase, int index, int of, long done, long total) {
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(phase.equals("start-up") ? route + " start-up cost" : route + " " + phase + " " + index + "/" + of);
    }

    /** Closes the bar and erases its line, so that the report starts at the left margin. */
    @Override
    public void close() {
        super.close();
        clearLine();
    }
}
