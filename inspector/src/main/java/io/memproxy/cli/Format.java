package io.memproxy.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The output formats a command may offer with --format; each command accepts a subset (OutputOptions). */
public enum Format {
    text, json, markdown, prometheus;

    /** Parses a --format value against the formats one command offers; the error lists them. */
    static Format parse(String value, Format... offered) {
        for (Format f : offered) {
            if (f.name().equals(value)) {
                return f;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a format of this command; expected one of: "
                + String.join(", ", names(offered)));
    }

    static List<String> names(Format... offered) {
        return Arrays.stream(offered).map(Format::name).toList();
    }

    /**
     * The formats one command offers, as picocli wants them: the completion candidates (this list) and the
     * converter of its --format option, whose error lists them.
     */
    abstract static class Offered extends java.util.ArrayList<String> implements ITypeConverter<Format> {
        private static final long serialVersionUID = 1L;
        private final Format[] offered;

        Offered(Format... offered) {
            super(names(offered));
            this.offered = offered;
        }

        @Override
        public Format convert(String value) {
            return parse(value, offered);
        }
    }

    /** text or json: elf, ldd, bind, install, uninstall, image-advice. */
    static final class TextJson extends Offered {
        private static final long serialVersionUID = 1L;

        TextJson() {
            super(text, json);
        }
    }

    /** text, json or prometheus: scan, ps, check. */
    static final class TextJsonPrometheus extends Offered {
        private static final long serialVersionUID = 1L;

        TextJsonPrometheus() {
            super(text, json, prometheus);
        }
    }

    /** markdown or json: report. */
    static final class MarkdownJson extends Offered {
        private static final long serialVersionUID = 1L;

        MarkdownJson() {
            super(markdown, json);
        }
    }

    /** text, json or markdown: trial. */
    static final class TextJsonMarkdown extends Offered {
        private static final long serialVersionUID = 1L;

        TextJsonMarkdown() {
            super(text, json, markdown);
        }
    }

    /** Every format: the doctor. */
    static final class All extends Offered {
        private static final long serialVersionUID = 1L;

        All() {
            super(values());
        }
    }
}
