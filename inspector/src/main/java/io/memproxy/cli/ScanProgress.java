package io.memproxy.cli;

import io.memproxy.scan.Scan;

/** The scan's progress bar on stderr; the total grows while the walk finds files. Only for a terminal. */
final class ScanProgress extends TerminalProgress implements Scan.Progress {
    ScanProgress() {
        super("scan", -1, 100, " files");
    }

    @Override
    public void update(long found, long done) {
        bar.maxHint(found);
        bar.stepTo(done);
    }
}
