/**
 * Renders every command's results for people and programs: text with Jansi colour ({@link io.memproxy.output.Colour}),
 * trees and marks ({@link io.memproxy.output.Marks}), JSON documents as records mapped by the one snake_case mapper
 * ({@link io.memproxy.output.Json}), Markdown, Prometheus text, and the problem lines of check. Computes nothing;
 * every value it prints comes from the package that produced it. The commands in cli only choose the renderer.
 */
package io.memproxy.output;
