/**
 * The picocli commands and their options: parses arguments, wires them to the packages that do the work, chooses
 * the renderer in output (it renders nothing itself), and maps outcomes to the documented exit codes. The only package that calls System.exit (from Main).
 */
package io.memproxy.cli;
