package io.memproxy.config;

/**
 * One line of the exclusion list as the shim reads it.
 *
 * @param number        1-based line number
 * @param kind          what the shim makes of the line
 * @param value         the line without its surrounding blanks; "" for blank lines
 * @param problem       for {@link Kind#BAD_DIRECTIVE}, why the shim rejects it; else ""
 * @param crlf          the line ended in CR LF
 * @param trailingBlank blanks (space or tab) followed the value before the line end
 */
public record ConfigLine(int number, Kind kind, String value, String problem, boolean crlf, boolean trailingBlank) {
    public enum Kind { BLANK, COMMENT, NAME, DIRECTIVE, BAD_DIRECTIVE }
}
