/**
 * Walks directories and classifies every executable for the chain: proxied, excluded, secure, static, another
 * libc, another class or machine, its own allocator. Streams results in walk order with bounded memory.
 */
package io.memproxy.scan;
