package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSectionHeader;
import net.fornwall.jelf.ElfSegment;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A second opinion from jelf on well-formed files: header fields, program headers and section headers
 * equal what jelf reads. (jelf is not the reader itself: on hostile input it throws unchecked
 * exceptions, e.g. NegativeArraySizeException for e_shnum 0xffff, and reads whole tables eagerly.)
 */
class JelfCrossCheckTest {
    @TestFactory
    Stream<DynamicTest> headersAgreeWithJelf() {
        return Stream.of(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), Path.of("/usr/bin/ls"),
                        Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"), Path.of("/usr/lib32/libc.so.6"),
                        Fixtures.get("libver32.so"), Fixtures.get("libbe.so"), Fixtures.get("prog"))
                .map(f -> DynamicTest.dynamicTest(f.toString(), () -> agree(f)));
    }

    static void agree(Path file) throws Exception {
        ElfImage ours = ElfImage.read(file);
        ElfFile jelf = ElfFile.from(file.toFile());
        ElfHeader h = ours.header();
        assertEquals(jelf.ei_class == ElfFile.CLASS_64 ? ElfClass.ELF64 : ElfClass.ELF32, h.elfClass());
        assertEquals(jelf.ei_data == ElfFile.DATA_LSB ? DataEncoding.LSB : DataEncoding.MSB, h.encoding());
        assertEquals(jelf.e_machine & 0xffff, h.machine());
        assertEquals(jelf.ei_osabi & 0xff, h.osAbi());
        assertEquals(ElfType.of(jelf.e_type & 0xffff), h.type());
        assertEquals(jelf.e_entry, h.entry());
        assertEquals(jelf.getInterpreter() == null ? "" : jelf.getInterpreter(), h.interpreter().orElse(""));

        List<ProgramHeader> phdrs = ours.programHeaders();
        assertEquals(jelf.e_phnum & 0xffff, phdrs.size());
        for (int i = 0; i < phdrs.size(); i++) {
            ElfSegment s = jelf.getProgramHeader(i);
            ProgramHeader p = phdrs.get(i);
            assertEquals(List.of((long) s.p_type, (long) s.p_flags, s.p_offset, s.p_vaddr, s.p_filesz, s.p_memsz, s.p_align),
                    List.of((long) p.type(), (long) p.flags(), p.offset(), p.vaddr(), p.filesz(), p.memsz(), p.align()),
                    file + " program header " + i);
        }
        List<SectionHeader> sections = ours.sectionHeaders();
        assertEquals(jelf.e_shnum & 0xffff, sections.size());
        for (int i = 0; i < sections.size(); i++) {
            ElfSectionHeader s = jelf.getSection(i).header;
            SectionHeader o = sections.get(i);
            assertEquals(s.getName() == null ? "" : s.getName(), o.name(), file + " section " + i);
            assertEquals(List.of((long) s.sh_type, s.sh_flags, s.sh_addr, s.sh_offset, s.sh_size, (long) s.sh_link,
                            (long) s.sh_info, s.sh_entsize),
                    List.of((long) o.type(), o.flags(), o.addr(), o.offset(), o.size(), (long) o.link(), (long) o.info(),
                            o.entsize()),
                    file + " section " + o.name());
        }
    }
}
