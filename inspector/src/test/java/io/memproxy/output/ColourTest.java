package io.memproxy.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jline.jansi.Ansi;
import org.junit.jupiter.api.Test;

/** The escape sequences every text renderer writes, pinned; off is the text itself. */
class ColourTest {
    @Test
    void onWritesTheSequencesEveryRendererUses() {
        Colour on = new Colour(true);
        assertEquals(List.of("\u001b[31mx\u001b[m", "\u001b[1mx\u001b[m", "\u001b[2mx\u001b[m", "x\u001b[m", "\u001b[1;36mx\u001b[m"),
                List.of(on.paint("x", Ansi.Color.RED), on.bold("x"), on.faint("x"), on.paint("x", Ansi.Color.DEFAULT),
                        on.paint("x", Ansi.Color.CYAN, true)));
    }

    @Test
    void offIsThePlainText() {
        assertEquals(List.of("x", "x", "x", "x"), List.of(Colour.OFF.paint("x", Ansi.Color.RED), Colour.OFF.bold("x"),
                Colour.OFF.faint("x"), Colour.OFF.paint("x", Ansi.Color.CYAN, true)));
    }
}
