package io.memproxy.scan;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.UnreadableFileException;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import io.memproxy.executable.Platform;
import java.nio.file.Path;

/** Puts one file in its {@link ExecutableClass}es with the doctor's {@link ExecutableProfile}. */
public final class Classifier {
    private final Platform platform;

    public Classifier(Platform platform) {
        this.platform = platform;
    }

    /**
     * Classifies the file at {@code file}, named {@code path} on the examined system. Never throws:
     * unreadable and malformed files are results. File capabilities are added later, a batch at a time.
     */
    public ScannedFile classify(String path, Path file) {
        ElfImage image;
        try {
            image = ElfImage.open(file);
        } catch (NotElfException e) {
            return ScannedFile.other(path, ScannedFile.Kind.NOT_ELF, "");
        } catch (UnreadableFileException e) {
            return ScannedFile.notExamined(path, ExecutableClass.UNREADABLE, e.problem());
        } catch (ElfException e) {
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, e.problem());
        }
        try (image) {
            if (!ExecutableProfile.isExecutable(image)) {
                return ScannedFile.other(path, ScannedFile.Kind.OTHER_ELF, ElfHeader.machineName(image.header().machine()));
            }
            return ScannedFile.executable(path, ExecutableProfile.of(image, platform, ""), ElfHeader.machineName(image.header().machine()));
        } catch (MalformedElfException e) {
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, e.problem());
        } catch (RuntimeException e) {
            // Every read is checked; a bug must still cost one file, not the scan.
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, "cannot be examined: " + e);
        }
    }
}
