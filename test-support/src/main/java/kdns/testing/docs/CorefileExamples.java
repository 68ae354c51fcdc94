package kdns.testing.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kdns.host.corefile.Lexer;
import kdns.host.corefile.Token;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The {@code corefile} examples of a plugin's pages (fenced with {@code ~~~ corefile} or
 * {@code ```corefile}, as CoreDNS's READMEs do), read one way for every module's DocsExamplesTest:
 * each example split (with the host's own Corefile {@link Lexer}) into server blocks, each block
 * into its directives with their source lines, so a module's test only says what it does with its
 * own directives.
 */
public final class CorefileExamples {

    private CorefileExamples() {
    }

    /** One fenced example: the page's label (e.g. {@code README.md}), the line after the fence, the text. */
    public record Example(String page, int line, String text) {
        /** The example's server blocks. */
        public List<ServerBlock> blocks() {
            return CorefileExamples.blocks(text);
        }

        /** Every directive {@code name} of every server block, with that block's zones. */
        public List<Use> uses(String name) {
            List<Use> out = new ArrayList<>();
            for (ServerBlock b : blocks()) {
                for (Directive d : b.named(name)) {
                    out.add(new Use(this, b.zones(), d));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return page + ":" + line;
        }
    }

    /** One directive of an example's server block: its name, its line in the example, its text (lines stripped). */
    public record Directive(String name, int line, String text) {
    }

    /** A directive where it is used: the example, the zones of its server block, the directive. */
    public record Use(Example example, List<String> zones, Directive directive) {
        public Use {
            zones = List.copyOf(zones);
        }

        /** The directive's text. */
        public String text() {
            return directive.text();
        }

        @Override
        public String toString() {
            return example.page() + ":" + (example.line() + directive.line());
        }
    }

    /** One server block: its keys as written and its top-level directives in order. */
    public record ServerBlock(List<String> keys, List<Directive> directives) {
        public ServerBlock {
            keys = List.copyOf(keys);
            directives = List.copyOf(directives);
        }

        /** The block's zones: each key without scheme and port ({@code dns://example.org:53} is {@code example.org}). */
        public List<String> zones() {
            return keys.stream().map(CorefileExamples::zone).toList();
        }

        /** The directives called {@code name}, in order. */
        public List<Directive> named(String name) {
            return directives.stream().filter(d -> d.name().equals(name)).toList();
        }
    }

    /** The examples of {@code page}, labelled with its file name. */
    public static List<Example> of(Path page) {
        return of(page, page.getFileName().toString());
    }

    /** The examples of {@code page}, labelled {@code label} (e.g. {@code plugin-kubernetes/README.md}). */
    public static List<Example> of(Path page, String label) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + page, e);
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.matches("(~~~|```)\\s*corefile")) {
                String fence = l.substring(0, 3);
                int start = i + 1;
                StringBuilder sb = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).strip().equals(fence); i++) {
                    sb.append(lines.get(i)).append('\n');
                }
                out.add(new Example(label, start, sb.toString()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * One dynamic test per example, named {@code page:line}, running {@code check}; asserts first
     * that there are at least {@code atLeast} examples, so a page whose examples vanish fails.
     */
    public static Stream<DynamicTest> eachExample(List<Example> examples, int atLeast, ThrowingConsumer<Example> check) {
        Assertions.assertTrue(examples.size() >= atLeast, "examples found: " + examples.size() + ", want at least " + atLeast);
        return examples.stream().map(e -> DynamicTest.dynamicTest(e.toString(), () -> check.accept(e)));
    }

    /** A server block key's zone: scheme and port removed, an empty rest is the root. */
    public static String zone(String key) {
        String k = key.replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", "");
        return k.isEmpty() ? "." : k;
    }

    /** Splits an example into server blocks and the source lines of each top-level directive. */
    public static List<ServerBlock> blocks(String text) {
        String[] lines = text.split("\n", -1);
        List<Token> toks = Lexer.tokenize("example", text);
        List<ServerBlock> out = new ArrayList<>();
        int i = 0;
        while (i < toks.size()) {
            List<String> keys = new ArrayList<>();
            while (i < toks.size() && !toks.get(i).text().equals("{")) {
                keys.add(toks.get(i++).text());
            }
            Assertions.assertTrue(i < toks.size(), "a server block without '{' in\n" + text);
            int prevLine = toks.get(i++).line();
            List<Directive> directives = new ArrayList<>();
            int depth = 1;
            String current = null;
            int from = 0;
            int to = 0;
            while (i < toks.size()) {
                Token t = toks.get(i++);
                if (depth == 1 && t.text().equals("}")) {
                    depth = 0;
                    break;
                }
                if (depth == 1 && t.line() > prevLine) {
                    if (current != null) {
                        directives.add(new Directive(current, from, lines(lines, from, to)));
                    }
                    current = t.text();
                    from = t.line();
                }
                if (t.text().equals("{")) {
                    depth++;
                } else if (t.text().equals("}")) {
                    depth--;
                }
                to = t.line() + t.newlines();
                prevLine = to;
            }
            if (current != null) {
                directives.add(new Directive(current, from, lines(lines, from, to)));
            }
            Assertions.assertEquals(0, depth, "unbalanced braces in\n" + text);
            out.add(new ServerBlock(keys, directives));
        }
        return List.copyOf(out);
    }

    private static String lines(String[] lines, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int l = from; l <= to; l++) {
            sb.append(lines[l - 1].strip()).append('\n');
        }
        return sb.toString();
    }
}
