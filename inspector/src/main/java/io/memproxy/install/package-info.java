/**
 * Activation machine-wide: adds memproxy's entries to /etc/ld.so.preload of a root and removes them again, only
 * through {@link io.memproxy.install.AtomicFile}, so that every process sees the old file or the complete new one.
 */
package io.memproxy.install;
