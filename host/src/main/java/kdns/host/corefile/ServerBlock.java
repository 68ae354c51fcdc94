package kdns.host.corefile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed server block: its keys as written (after environment substitution, before
 * normalisation) and its directives in source order. Each directive holds its tokens, the name
 * first, including any {@code { ... }} block.
 *
 * @param keys       the keys, e.g. {@code example.org:1053}, {@code dns://.}, {@code 10.0.0.0/24}
 * @param keyTokens  the key tokens (for error positions)
 * @param directives every occurrence of every directive, in source order
 */
public record ServerBlock(List<String> keys, List<Token> keyTokens, List<Directive> directives) {

    public ServerBlock {
        keys = List.copyOf(keys);
        keyTokens = List.copyOf(keyTokens);
        directives = List.copyOf(directives);
    }

    /**
     * The tokens of every occurrence of each directive, concatenated in source order (Caddy's
     * {@code ServerBlock.Tokens}): what the plugin's setup walks with its controller.
     */
    public Map<String, List<Token>> tokensByDirective() {
        Map<String, List<Token>> m = new LinkedHashMap<>();
        for (Directive d : directives) {
            m.computeIfAbsent(d.name(), k -> new ArrayList<>()).addAll(d.tokens());
        }
        return m;
    }

    /** One occurrence of a directive: its name token and every token it owns. */
    public record Directive(String name, List<Token> tokens) {
        public Directive {
            tokens = List.copyOf(tokens);
        }

        /** The line of the directive's name. */
        public int line() {
            return tokens.get(0).line();
        }
    }
}
