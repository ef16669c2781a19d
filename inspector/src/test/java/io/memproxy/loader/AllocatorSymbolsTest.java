package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The i386 names of operator new/delete, made with string tests, are the ones the pattern they replace gave. */
class AllocatorSymbolsTest {
    @Test
    void ilp32NamesAreThePatternsReplacements() {
        List<String> names = new ArrayList<>(AllocatorSymbols.ALL);
        names.addAll(List.of("", "_Zn", "_Znw", "_Znwm", "_Znwj", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZdlPv", "_ZdlPvm", "_ZdaPvm",
                "_ZdlPvmSt11align_val_t", "_ZdaPvSt11align_val_t", "_ZdlPm", "_Zdlm", "x_Znwm", "_ZnxmSt", "malloc", "_ZnwmM"));
        for (String n : names) {
            assertEquals(n.replaceFirst("^(_Zn[wa]|_Zd[la]Pv)m", "$1j"), AllocatorSymbols.ilp32(n), n);
        }
    }

    @Test
    void bothWordSizesAreListed() {
        for (String n : List.of("_Znwm", "_Znwj", "_ZdaPvmSt11align_val_t", "_ZdaPvjSt11align_val_t", "_ZdlPv", "malloc", "cfree")) {
            assertTrue(AllocatorSymbols.ALL.contains(n), n);
        }
        assertEquals(AllocatorSymbols.ALL.size(), AllocatorSymbols.MALLOC_FAMILY.size() + AllocatorSymbols.NEW_DELETE.size());
    }
}
