package io.memproxy.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Says what a file that is not ELF is instead, from its first bytes. */
final class NonElfFiles {
    private NonElfFiles() {}

    /** Only the head of a file is examined: enough to tell text from data. */
    private static final int HEAD = 8 * 1024;
    /** ld scripts are a few hundred bytes; a longer one is read up to this much. */
    private static final int SCRIPT_MAX = 64 * 1024;
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern COMMAND = Pattern.compile("\\b(GROUP|INPUT)\\s*\\(");
    private static final Pattern SCRIPT_KEYWORD =
            Pattern.compile("\\b(GROUP|INPUT|OUTPUT_FORMAT|OUTPUT_ARCH|SEARCH_DIR|SECTIONS)\\s*\\(");

    static NotElfException classify(Path file, ByteBuffer buf) {
        byte[] head = head(buf, HEAD);
        String start = new String(head, 0, Math.min(head.length, 8), StandardCharsets.ISO_8859_1);
        if (start.equals("!<arch>\n")) {
            return of(file, NonElfKind.ARCHIVE, List.of(), "");
        }
        if (start.startsWith("#!")) {
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int eol = text.indexOf('\n');
            String line = (eol < 0 ? text : text.substring(0, eol)).trim();
            return of(file, NonElfKind.SCRIPT, List.of(), " (" + shorten(line) + ")");
        }
        if (!isText(head)) {
            return of(file, NonElfKind.DATA, List.of(), "");
        }
        String code = COMMENT.matcher(new String(head, StandardCharsets.ISO_8859_1)).replaceAll(" ");
        if (SCRIPT_KEYWORD.matcher(code).find()) {
            if (buf.limit() > HEAD) {
                code = COMMENT.matcher(new String(head(buf, SCRIPT_MAX), StandardCharsets.ISO_8859_1)).replaceAll(" ");
            }
            List<String> inputs = scriptInputs(code);
            String naming = inputs.isEmpty() ? "" : " naming " + String.join(", ", inputs);
            return of(file, NonElfKind.LINKER_SCRIPT, inputs, naming);
        }
        return of(file, NonElfKind.TEXT, List.of(), "");
    }

    private static byte[] head(ByteBuffer buf, int max) {
        byte[] head = new byte[Math.min(buf.limit(), max)];
        buf.get(0, head);
        return head;
    }

    static NotElfException of(Path file, NonElfKind kind, List<String> inputs, String detail) {
        return new NotElfException(file, kind, inputs, "not an ELF file: " + kind.description() + detail);
    }

    /** The file names in GROUP(...) and INPUT(...) commands, AS_NEEDED(...) included (ld's ldgram.y). */
    static List<String> scriptInputs(String code) {
        List<String> out = new ArrayList<>();
        Matcher m = COMMAND.matcher(code);
        while (m.find()) {
            int depth = 1;
            int i = m.end();
            StringBuilder token = new StringBuilder();
            for (; i < code.length() && depth > 0; i++) {
                char c = code.charAt(i);
                if (c == '(' || c == ')' || c == ',' || Character.isWhitespace(c)) {
                    String t = token.toString();
                    token.setLength(0);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')') {
                        depth--;
                    }
                    if (!t.isEmpty() && !t.equals("AS_NEEDED")) {
                        out.add(t);
                    }
                } else {
                    token.append(c);
                }
            }
        }
        return out;
    }

    private static boolean isText(byte[] head) {
        for (byte b : head) {
            int c = b & 0xff;
            if (c == 0 || c == 0x7f || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
