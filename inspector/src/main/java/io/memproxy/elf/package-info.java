/**
 * Reads ELF files without interpreting them: header facts, program headers, the dynamic section, dynamic
 * symbols with their GNU versions, version definitions and requirements, relocations, and the hash-table lookup.
 * Non-ELF files (GNU ld scripts, text) are recognised and named. Knows nothing of loaders, preloads or policy;
 * every other package reads files through {@link io.memproxy.elf.ElfImage}.
 */
package io.memproxy.elf;
