package io.memproxy.cli;

import java.util.regex.Pattern;

/** A shell-style glob ({@code *}, {@code ?}, {@code [...]}) over symbol names. */
record Glob(String text, Pattern pattern) {
    static Glob of(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end);
                        if (set.startsWith("!")) {
                            set = "^" + set.substring(1);
                        }
                        re.append('[').append(set.replace("\\", "\\\\")).append(']');
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(glob, Pattern.compile(re.toString()));
    }

    boolean matches(String s) {
        return pattern.matcher(s).matches();
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }
}
