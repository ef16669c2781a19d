package io.memproxy.cli;

import io.memproxy.trial.Trial;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The trial's progress on stderr when it is a terminal: route, run, elapsed and estimated remaining time. */
final class TrialProgress implements Trial.Progress, AutoCloseable {
    private final ProgressBar bar;

    TrialProgress(long total) {
        bar = new ProgressBarBuilder()
                .setTaskName("trial")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUnit(" runs", 1)
                .build();
    }

    @Override
    public void update(String route, String phase, int index, int of, long done, long total) {
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(phase.equals("start-up") ? route + " start-up cost" : route + " " + phase + " " + index + "/" + of);
    }

    /** Erases the bar's line so that the report starts at the left margin. */
    void clearLine() {
        System.err.print("\r\u001b[K");
        System.err.flush();
    }

    @Override
    public void close() {
        bar.close();
        clearLine();
    }
}
