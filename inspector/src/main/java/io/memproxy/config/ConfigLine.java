package io.memproxy.config;

/**
 * One line of the exclusion list as the shim reads it.
 *
 * @param number        1-based line number
 * @param kind          what the shim makes of the line
 * @param value         the name (or directive argument) after trimming; "" for blank and comment lines
 * @param crlf          the line ended in CR LF
 * @param trailingBlank blanks followed the value before the line end
 */
public record ConfigLine(int number, Kind kind, String value, boolean crlf, boolean trailingBlank) {
    public enum Kind { BLANK, COMMENT, NAME, DIRECTIVE }
}
