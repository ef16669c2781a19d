package io.memproxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes bash and zsh completion for memproxy from the picocli model, at build time (Makefile), so
 * completion knows exactly the commands, options and --format values that help shows.
 * Usage: Completion DIR — writes DIR/memproxy (bash-completion) and DIR/_memproxy (zsh site-functions).
 */
public final class Completion {
    private Completion() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        String bash = AutoComplete.bash("memproxy", CommandLines.fromAnnotations());
        Files.writeString(dir.resolve("memproxy"), bash, StandardCharsets.UTF_8);
        // zsh runs the same functions through its bash compatibility (bashcompinit): compinit autoloads
        // _memproxy (#compdef) on first use; it defines them, and then completes the current word through
        // bashcompinit's adapter, as the script's own `complete -F` does from then on.
        String zsh = "#compdef memproxy\n"
                + "# Generated from memproxy's picocli model; the bash completion run through zsh's bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash
                + "\n_bash_complete -o default -F _complete_memproxy \"$@\"\n";
        Files.writeString(dir.resolve("_memproxy"), zsh, StandardCharsets.UTF_8);
    }
}
