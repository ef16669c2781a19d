/**
 * The emulation of glibc's dynamic loader at process start-up, rule by rule (docs/loader-rules.md): preload
 * chains, search paths, ld.so.cache, the link map in scope order, and symbol binding including RTLD_NEXT. Every
 * file is reached through {@link io.memproxy.loader.Root}, so an image directory given with --root is read as
 * that system would see it. Predicts; never prints and never runs the programs it examines.
 */
package io.memproxy.loader;
