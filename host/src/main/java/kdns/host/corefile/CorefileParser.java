package kdns.host.corefile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Parses a Corefile into server blocks exactly as CoreDNS's Caddy v1 parser does
 * ({@code caddyfile/parse.go}), quirks included, because users' files depend on them.
 *
 * <ul>
 *   <li><b>Keys</b>: every token of the first line; a key ending in {@code ,} continues the list,
 *       possibly on the next line. Empty keys are skipped and a block left without keys is
 *       dropped.</li>
 *   <li><b>Braces</b>: {@code {} may follow the keys on the same or the next line; without it the
 *       rest of the file is the block's body. A {@code }} must start a line.</li>
 *   <li><b>Directives</b>: a directive owns every following token until one that starts a new
 *       line outside any {@code { }} nesting; a {@code {} anywhere (even at the start of the next
 *       line) opens nesting. Names must be in the valid list, else {@code Unknown directive}.</li>
 *   <li><b>Snippets and import</b>: {@code (name) { ... }} stores tokens; {@code import X} splices
 *       in the snippet X if defined above, else a file or glob relative to the importing file's
 *       directory. See {@link FileImports}.</li>
 *   <li><b>Environment</b>: {@code {$VAR}} and {@code {%VAR%}} are substituted after lexing, from
 *       the given map, never re-tokenised.</li>
 * </ul>
 *
 * Errors are {@link CorefileException}s in Caddy's shape, {@code <file>:<line> - Error during
 * parsing: <message>}, pointing into imported files where the tokens came from.
 */
public final class CorefileParser {

    /** Loop protection: the most snippet imports one parse expands. */
    static final int MAX_SNIPPET_IMPORTS = 10_000;

    private final TokenCursor c;
    private final Set<String> validDirectives;
    private final EnvVars env;
    private final FileImports files;
    private final Consumer<String> warnings;
    private final Map<String, List<Token>> snippets = new HashMap<>();
    private int snippetExpansions;
    private boolean eof;

    private CorefileParser(String fileName, String content, Path baseDir, Set<String> validDirectives,
            Map<String, String> env, Consumer<String> warnings) {
        this.c = new TokenCursor(Lexer.tokenize(fileName, content), fileName);
        this.validDirectives = validDirectives == null ? null : Set.copyOf(validDirectives);
        this.env = new EnvVars(env == null ? Map.of() : env);
        Path dir = baseDir == null ? Path.of("") : baseDir;
        this.warnings = warnings == null ? w -> { } : warnings;
        this.files = new FileImports(fileName, dir, this.warnings);
    }

    /**
     * Parses a Corefile.
     *
     * @param fileName        the name errors print and the Corefile's tokens carry, e.g. {@code Corefile}
     * @param content         the Corefile text
     * @param baseDir         the directory relative imports of this file resolve against
     * @param validDirectives the directive names allowed (plugin.cfg); null allows any name
     * @param env             the variables for {@code {$VAR}}/{@code {%VAR%}}; undefined ones become ""
     * @param warnings        receives warnings, e.g. {@code No files matching import glob pattern: x}
     * @return the server blocks in file order; empty when the file has none (the caller then uses
     *     {@link #defaultCorefile(int)})
     * @throws CorefileException for any syntax error, with file and line
     */
    public static List<ServerBlock> parse(String fileName, String content, Path baseDir,
            Set<String> validDirectives, Map<String, String> env, Consumer<String> warnings)
            throws CorefileException {
        return new CorefileParser(fileName, content, baseDir, validDirectives, env, warnings).parseAll();
    }

    /**
     * CoreDNS's built-in Corefile, used when there is no Corefile or it has no server blocks:
     * {@code .:<port> {\nwhoami\nlog\n}\n}.
     */
    public static String defaultCorefile(int port) {
        return ".:" + port + " {\nwhoami\nlog\n}\n";
    }

    private List<ServerBlock> parseAll() throws CorefileException {
        List<ServerBlock> blocks = new ArrayList<>();
        while (c.next()) {
            BlockBuilder block = new BlockBuilder();
            parseBlock(block);
            if (!block.keys.isEmpty()) {
                blocks.add(block.build());
            } else if (block.emptyKey != null && !block.snippet) {
                // Caddy drops such a block without a word; say so, since CoreDNS may then fall back
                // to its default Corefile.
                warnings.accept(where(block.emptyKey) + "server block ignored: all its keys are empty"
                        + " (\"\" or an undefined environment variable)");
            }
        }
        return List.copyOf(blocks);
    }

    private void parseBlock(BlockBuilder block) throws CorefileException {
        if (c.isEmpty()) {
            return;
        }
        addresses(block);
        if (eof) {
            return; // a key line and nothing else: a block without directives
        }
        String snippet = snippetName(block.keys);
        if (snippet != null) {
            block.snippet = true;
            defineSnippet(snippet);
            block.keys.clear();
            block.keyTokens.clear();
            return;
        }
        blockContents(block);
    }

    private void addresses(BlockBuilder block) throws CorefileException {
        boolean expectingAnother = false;
        while (true) {
            String key = env.substitute(c.val());
            if (key.equals("import") && c.isNewLine()) {
                doImport();
                continue;
            }
            if (key.equals("{")) {
                if (expectingAnother) {
                    throw CorefileException.at(c.current(),
                            "Expected another address but had '{' - check for extra comma");
                }
                break;
            }
            if (key.isEmpty() && block.emptyKey == null && c.hasCurrent()) {
                block.emptyKey = c.current();
            }
            if (!key.isEmpty()) {
                expectingAnother = key.endsWith(",");
                if (expectingAnother) {
                    key = key.substring(0, key.length() - 1);
                }
                block.keys.add(key);
                block.keyTokens.add(c.current().withText(key));
            }
            boolean hasNext = c.next();
            if (expectingAnother && !hasNext) {
                throw eofError();
            }
            if (!hasNext) {
                eof = true;
                break;
            }
            if (!expectingAnother && c.isNewLine()) {
                break;
            }
        }
    }

    private void blockContents(BlockBuilder block) throws CorefileException {
        boolean braced = c.val().equals("{");
        if (!braced) {
            c.back(); // single-server configs don't need curly braces
        }
        boolean closed = directives(block);
        if (braced && !c.val().equals("}")) {
            throw CorefileException.syntax(c.current(), "}");
        }
        if (braced && !closed) {
            // Caddy accepts it, but the last '}' closed a directive's block, not the server block.
            warnings.accept(where(c.current()) + "the last '}' closes both a directive's block and the"
                    + " server block: a '}' is probably missing");
        }
    }

    /** Reads directives up to the block's {@code }}; false when the input ended first. */
    private boolean directives(BlockBuilder block) throws CorefileException {
        while (c.next()) {
            String v = c.val();
            if (v.equals("}")) {
                return true;
            }
            if (v.equals("import")) {
                doImport();
                c.back(); // the next round's next() lands on the first imported token
                continue;
            }
            directive(block);
        }
        return false;
    }

    private void directive(BlockBuilder block) throws CorefileException {
        Token nameToken = c.current();
        String name = env.substitute(nameToken.text());
        if (validDirectives != null && !validDirectives.contains(name)) {
            throw CorefileException.at(nameToken, "Unknown directive '" + name + "'");
        }
        List<Token> tokens = new ArrayList<>();
        tokens.add(nameToken.withText(name));
        int nesting = 0;
        while (c.next()) {
            String v = c.val();
            if (v.equals("{")) {
                nesting++;
            } else if (c.isNewLine() && nesting == 0) {
                c.back(); // read too far: this token starts the next directive
                break;
            } else if (v.equals("}") && nesting > 0) {
                nesting--;
            } else if (v.equals("}")) {
                throw CorefileException.at(c.current(), "Unexpected '}' because no matching opening brace");
            } else if (v.equals("import") && c.isNewLine()) {
                doImport();
                c.back();
                continue;
            }
            Token t = c.current().withText(env.substitute(v));
            c.replaceCurrent(t); // Caddy substitutes in place; later line checks see the new text
            tokens.add(t);
        }
        if (nesting > 0) {
            throw eofError();
        }
        block.directives.add(new ServerBlock.Directive(name, tokens));
    }

    /**
     * Replaces {@code import PATTERN} (the current token and its argument) with the imported
     * tokens and leaves the cursor on the first of them (or on what followed the import).
     */
    private void doImport() throws CorefileException {
        if (!c.nextArg()) {
            throw argumentError();
        }
        String pattern = env.substitute(c.val());
        if (pattern.isEmpty()) {
            throw CorefileException.at(c.current(), "Import requires a non-empty filepath");
        }
        if (c.nextArg()) {
            throw CorefileException.at(c.current(), "Import takes only one argument (glob pattern or file)");
        }
        int argument = c.position();
        List<Token> imported;
        List<Token> snippet = snippets.get(pattern);
        if (snippet != null) {
            if (snippetExpansions >= MAX_SNIPPET_IMPORTS) {
                throw snippetLoop(c.current());
            }
            snippetExpansions++;
            imported = snippet;
        } else {
            imported = files.resolve(pattern, c.current());
        }
        c.splice(argument - 1, argument + 1, imported);
        c.moveTo(argument - 1);
    }

    private static String snippetName(List<String> keys) {
        if (keys.size() == 1 && keys.get(0).startsWith("(") && keys.get(0).endsWith(")")) {
            String k = keys.get(0);
            return k.substring(1, k.length() - 1);
        }
        return null;
    }

    private void defineSnippet(String name) throws CorefileException {
        if (snippets.containsKey(name)) {
            throw CorefileException.at(c.current(), "redeclaration of previously declared snippet " + name);
        }
        if (!c.val().equals("{")) {
            throw CorefileException.syntax(c.current(), "{");
        }
        List<Token> body = new ArrayList<>();
        int depth = 1;
        while (c.next()) {
            String v = c.val();
            if (v.equals("}") && --depth == 0) {
                break;
            }
            if (v.equals("{")) {
                depth++;
            }
            body.add(c.current());
        }
        if (depth != 0) {
            throw CorefileException.syntax(c.current(), "}");
        }
        // Caddy rejects the obvious loop at once rather than expanding it ten thousand times.
        for (int i = 0; i + 1 < body.size(); i++) {
            Token t = body.get(i);
            boolean lineStart = i == 0 || !body.get(i - 1).file().equals(t.file()) || body.get(i - 1).line() != t.line();
            if (t.text().equals("import") && lineStart && env.substitute(body.get(i + 1).text()).equals(name)) {
                throw snippetLoop(c.current());
            }
        }
        snippets.put(name, List.copyOf(body));
    }

    private CorefileException argumentError() {
        String v = c.val();
        if (v.equals("{")) {
            return CorefileException.at(c.current(), "Unexpected token '{', expecting argument");
        }
        return CorefileException.at(c.current(), "Wrong argument count or unexpected line ending after '" + v + "'");
    }

    private static String where(Token t) {
        return t.file() + ":" + t.line() + " - ";
    }

    private CorefileException eofError() {
        return CorefileException.at(c.current(), "Unexpected EOF");
    }

    private static CorefileException snippetLoop(Token at) {
        return CorefileException.at(at, "maximum snippet import depth (" + MAX_SNIPPET_IMPORTS + ") exceeded");
    }

    /** The parts of a server block while it is being read. */
    private static final class BlockBuilder {
        final List<String> keys = new ArrayList<>();
        final List<Token> keyTokens = new ArrayList<>();
        final List<ServerBlock.Directive> directives = new ArrayList<>();
        Token emptyKey;
        boolean snippet;

        ServerBlock build() {
            return new ServerBlock(keys, keyTokens, directives);
        }
    }
}
