/**
 * Renders results for people and programs: text with Jansi colour, JSON through Jackson, Markdown, Prometheus
 * text, and the problem lines of check. Computes nothing; every value it prints comes from the package that
 * produced it.
 */
package io.memproxy.report;
