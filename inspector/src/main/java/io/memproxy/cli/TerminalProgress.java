package io.memproxy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr, shown only when stderr is a terminal: what scan and trial draw their progress with. */
abstract class TerminalProgress implements AutoCloseable {
    protected final ProgressBar bar;

    /** A bar named {@code task}, counting {@code unit} (" files"); {@code initialMax} -1 while the total is unknown. */
    TerminalProgress(String task, long initialMax, int updateMillis, String unit) {
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(initialMax)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(updateMillis)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUnit(unit, 1)
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

    /** Erases the bar's line so that what is printed next starts at the left margin. */
    void clearLine() {
        System.err.print("\r\u001b[K");
        System.err.flush();
    }

    @Override
    public void close() {
        bar.close();
    }
}
