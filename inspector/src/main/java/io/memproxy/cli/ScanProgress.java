package io.memproxy.cli;

import io.memproxy.scan.Scan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The scan's progress bar on stderr; the total grows while the walk finds files. Only for a terminal. */
final class ScanProgress implements Scan.Progress, AutoCloseable {
    private final ProgressBar bar;

    ScanProgress() {
        bar = new ProgressBarBuilder()
                .setTaskName("scan")
                .setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(100)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUnit(" files", 1)
                .build();
    }

    /** Whether stderr is a terminal: the bar would otherwise end up in a log or a pipe. */
    static boolean wanted() {
        try {
            String fd2 = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return fd2.startsWith("/dev/pts/") || fd2.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void update(long found, long done) {
        bar.maxHint(found);
        bar.stepTo(done);
    }

    /** Erases the bar's line so that a result line printed now starts at the left margin. */
    void clearLine() {
        System.err.print("\r\u001b[K");
        System.err.flush();
    }

    @Override
    public void close() {
        bar.close();
    }
}
