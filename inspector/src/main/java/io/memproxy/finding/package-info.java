/**
 * What an examination found, in one form for every command that reports problems: a
 * {@link io.memproxy.finding.Finding} with a stable id, a {@link io.memproxy.finding.Severity}, the subjects
 * involved and a fix. The doctor's checks, the image and unit commands and the trial's analysis produce them.
 */
package io.memproxy.finding;
