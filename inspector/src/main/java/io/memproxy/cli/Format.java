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

    /** text or json: elf, ldd, bind, install, uninstall. */
    static final class TextJson extends java.util.ArrayList<String> implements ITypeConverter<Format> {
        private static final long serialVersionUID = 1L;
        static final Format[] OFFERED = {text, json};

        TextJson() {
            super(names(OFFERED));
        }

        @Override
        public Format convert(String value) {
            return parse(value, OFFERED);
        }
    }

    /** text, json or prometheus: scan, ps, check. */
    static final class TextJsonPrometheus extends java.util.ArrayList<String> implements ITypeConverter<Format> {
        private static final long serialVersionUID = 1L;
        static final Format[] OFFERED = {text, json, prometheus};

        TextJsonPrometheus() {
            super(names(OFFERED));
        }

        @Override
        public Format convert(String value) {
            return parse(value, OFFERED);
        }
    }

    /** markdown or json: report. */
    static final class MarkdownJson extends java.util.ArrayList<String> implements ITypeConverter<Format> {
        private static final long serialVersionUID = 1L;
        static final Format[] OFFERED = {markdown, json};

        MarkdownJson() {
            super(names(OFFERED));
        }

        @Override
        public Format convert(String value) {
            return parse(value, OFFERED);
        }
    }

    /** text, json or markdown: trial. */
    static final class TextJsonMarkdown extends java.util.ArrayList<String> implements ITypeConverter<Format> {
        private static final long serialVersionUID = 1L;
        static final Format[] OFFERED = {text, json, markdown};

        TextJsonMarkdown() {
            super(names(OFFERED));
        }

        @Override
        public Format convert(String value) {
            return parse(value, OFFERED);
        }
    }

    /** Every format: the doctor. */
    static final class All extends java.util.ArrayList<String> implements ITypeConverter<Format> {
        private static final long serialVersionUID = 1L;

        All() {
            super(names(values()));
        }

        @Override
        public Format convert(String value) {
            return parse(value, values());
        }
    }
}
