/**
 * memproxy.conf as the shim reads it: the grammar (one port of shim/src/config.c, pinned by the shared vectors in
 * shim/tests/config-vectors.tsv), the exclusion list, the directives, and the allocator profiles the shim detects.
 */
package io.memproxy.config;
